/*
 * peacetalks: draw the Plotly figures of a report or a page.
 *
 * Every element with class "pt-chart" and a data-figure="ID" attribute is drawn from the
 * JSON in <script type="application/json" id="ID"> ({"data": [...], "layout": {...}}).
 * When a chart is drawn, the element gets data-rendered="true"; when it cannot be drawn,
 * data-rendered="error" and a short note in place of the chart (the data tables beside
 * each chart still carry the numbers). No inline code: this file works under a
 * Content-Security-Policy of script-src 'self'.
 */
(function () {
  "use strict";

  var CONFIG = {
    responsive: true,
    displaylogo: false,
    modeBarButtonsToRemove: ["select2d", "lasso2d"],
    toImageButtonOptions: { format: "svg" }
  };

  // Characters of a label, not counting tags, with an entity counted as one.
  function visibleLength(text) {
    return text.replace(/<[^>]*>/g, "").replace(/&[#a-z0-9]+;/gi, "x").length;
  }

  // Break a label at spaces into lines of at most `limit` visible characters: Plotly does
  // not wrap titles or legend entries, and a narrow screen would cut them off.
  function wrap(text, limit) {
    if (typeof text !== "string" || visibleLength(text) <= limit) {
      return text;
    }
    return text.split("<br>").map(function (line) {
      var lines = [];
      var current = "";
      line.split(" ").forEach(function (word) {
        if (current && visibleLength(current + " " + word) > limit) {
          lines.push(current);
          current = word;
        } else {
          current = current ? current + " " + word : word;
        }
      });
      if (current) {
        lines.push(current);
      }
      return lines.join("<br>");
    }).join("<br>");
  }

  function fitLabels(el, figure) {
    var width = el.clientWidth || 600;
    var layout = figure.layout || {};
    var chars = Math.max(20, Math.floor(width / 8));
    if (layout.title && layout.title.text) {
      layout.title.text = wrap(layout.title.text, chars);
    }
    ["xaxis", "yaxis"].forEach(function (name) {
      var axis = layout[name];
      if (axis && axis.title && axis.title.text) {
        // A phone's x title: centred on a plot narrowed by the y axis's labels.
        var across = width < 600 ? Math.floor(width / 11) : chars;
        var room = name === "xaxis" ? across : Math.floor((layout.height || 450) / 9);
        axis.title.text = wrap(axis.title.text, room);
      }
    });
    (figure.data || []).forEach(function (trace) {
      if (typeof trace.name === "string") {
        trace.name = wrap(trace.name, chars - 6);
      }
    });
    // Long category names (the forecast's issues) on several lines, and room for them.
    if (layout.yaxis && layout.yaxis.type === "category") {
      var limit = width < 600 ? 18 : 40;
      var longest = 1;
      (figure.data || []).forEach(function (trace) {
        trace.y = (trace.y || []).map(function (name) {
          var wrapped = wrap(name, limit);
          longest = Math.max(longest, String(wrapped).split("<br>").length);
          return wrapped;
        });
      });
      if (layout.height && longest > 2) {
        var seen = {};
        (figure.data || []).forEach(function (trace) {
          (trace.y || []).forEach(function (name) { seen[name] = true; });
        });
        var rows = Object.keys(seen).length;
        layout.height += rows * 14 * (longest - 2);
      }
    }
    if (width < 600) {
      layout.font = Object.assign({}, layout.font, { size: 11 });
      layout.title = Object.assign({}, layout.title, { font: { size: 14 } });
      fitNarrow(layout, figure.data || [], width);
    }
    fitOptionLabels(layout, figure.data || [], width);
    fitPhaseLabels(layout);
    figure.layout = layout;
  }

  // A phone: fewer ticks, the legend below the plot with room made for it, and a plot
  // about as tall as it is wide (plus the legend).
  function fitNarrow(layout, data, width) {
    ["xaxis", "yaxis"].forEach(function (name) {
      var axis = layout[name];
      if (axis && axis.type !== "category") {
        layout[name] = Object.assign({}, axis, { nticks: 5 });
      }
    });
    var entries = 0;
    data.forEach(function (trace) {
      if (trace.showlegend !== false && typeof trace.name === "string") {
        entries += trace.name.split("<br>").length;
      }
    });
    var legendPx = entries * 19 + 10;
    var margin = Object.assign({ l: 70, r: 20, t: 24, b: 60 }, layout.margin || {});
    margin.r = Math.min(margin.r, 12);
    margin.l = Math.min(margin.l, 56);
    margin.b += legendPx;
    layout.margin = margin;
    layout.legend = Object.assign({}, layout.legend, {
      orientation: "h", yref: "container", yanchor: "bottom", y: 0, x: 0
    });
    pointInward(layout, data, width - margin.l - margin.r);
    var categories = layout.yaxis && layout.yaxis.type === "category";
    if (layout.height && !categories) {
      layout.height = Math.min(layout.height, Math.max(340, Math.round(width * 1.05))) + legendPx;
    } else if (layout.height) {
      layout.height += legendPx;
    }
  }

  // On a phone, point labels and annotations beside a point open towards the plot's middle:
  // placed for a wide plot, they would run off its edge.
  function pointInward(layout, data, plotWidth) {
    var xrange = (layout.xaxis && layout.xaxis.range) || null;
    if (!xrange || (layout.yaxis && layout.yaxis.type === "category")) {
      return;
    }
    var middle = (xrange[0] + xrange[1]) / 2;
    data.forEach(function (trace) {
      if (!Array.isArray(trace.textposition) && typeof trace.textposition !== "string") {
        return;
      }
      var places = Array.isArray(trace.textposition) ?
        trace.textposition : (trace.x || []).map(function () { return trace.textposition; });
      var xs = trace.x || [];
      trace.textposition = places.map(function (place, k) {
        return String(place).split(" ")[0] + " " + (xs[k] > middle ? "left" : "right");
      });
      // Cut each label to the room between its point and the plot's edge (full on hover).
      if (Array.isArray(trace.text)) {
        trace.text = trace.text.map(function (text, k) {
          if (typeof text !== "string" || text.indexOf("<br>") >= 0) {
            return text;
          }
          var share = xs[k] > middle ? xs[k] - xrange[0] : xrange[1] - xs[k];
          var room = (share / (xrange[1] - xrange[0])) * plotWidth - 10;
          return abbreviate(text, Math.floor(room / 6.6));
        });
      }
    });
    (layout.annotations || []).forEach(function (note) {
      if (note.xref === "x" && note.name !== "phase" && typeof note.x === "number") {
        note.xanchor = note.x > middle ? "right" : "left";
      }
    });
  }

  var ENTITIES = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": "\"", "&#x27;": "'" };

  function unescapeText(text) {
    return String(text).replace(/&(?:amp|lt|gt|quot|#x27);/g, function (e) { return ENTITIES[e]; });
  }

  function escapeText(text) {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  // Cut a (Plotly-escaped) label to `chars` characters, ending in an ellipsis; with room
  // for fewer than 3, no label (the marker stays; the full label is on hover).
  function abbreviate(text, chars) {
    var plain = unescapeText(text);
    if (plain.length <= chars) {
      return escapeText(plain);
    }
    if (chars < 3) {
      return "";
    }
    return escapeText(plain.slice(0, chars - 1).replace(/\s+$/, "")) + "\u2026";
  }

  // The forecast's option labels: each has room (customdata[1], in scale points) halfway
  // to its neighbours on its side of the row; abbreviate for the width drawn.
  function fitOptionLabels(layout, data, width) {
    data.forEach(function (trace) {
      if (!trace.meta || trace.meta.role !== "option-labels" || !trace.customdata) {
        return;
      }
      var margin = layout.margin || {};
      var names = width < 600 ? 18 : 40;
      var plot = width - (margin.r || 20) - Math.min(names * 7, width * 0.35) - 20;
      var range = (layout.xaxis && layout.xaxis.range) || [-2, 102];
      var perPoint = Math.max(plot, 100) / (range[1] - range[0]);
      trace.text = trace.customdata.map(function (item) {
        return abbreviate(item[0], Math.floor((item[1] * perPoint - 6) / 6.6));
      });
    });
  }

  // Upright phase labels of the survival chart: cut to the plot area's height.
  function fitPhaseLabels(layout) {
    var margin = layout.margin || {};
    var plotHeight = (layout.height || 450) - (margin.t || 24) - (margin.b || 60);
    var chars = Math.floor((plotHeight * 0.9) / 6.2);
    (layout.annotations || []).forEach(function (note) {
      if (note.name === "phase" && typeof note.hovertext === "string") {
        note.text = abbreviate(note.hovertext, chars);
      }
    });
  }

  function fail(el, message) {
    el.dataset.rendered = "error";
    var note = document.createElement("p");
    note.className = "pt-chart-error";
    note.textContent = message;
    el.appendChild(note);
  }

  function render(el) {
    if (el.dataset.rendered === "true") {
      return;
    }
    var id = el.getAttribute("data-figure");
    var source = id ? document.getElementById(id) : null;
    if (!source) {
      fail(el, "The data of this chart is missing.");
      return;
    }
    if (typeof window.Plotly === "undefined") {
      fail(el, "The chart library did not load; the table below has the same numbers.");
      return;
    }
    var figure;
    try {
      figure = JSON.parse(source.textContent);
    } catch (err) {
      fail(el, "The data of this chart could not be read.");
      return;
    }
    fitLabels(el, figure);
    window.Plotly.newPlot(el, figure.data || [], figure.layout || {}, CONFIG).then(
      function () {
        el.dataset.rendered = "true";
      },
      function () {
        fail(el, "The chart could not be drawn; the table below has the same numbers.");
      }
    );
  }

  function renderAll() {
    var charts = document.querySelectorAll(".pt-chart[data-figure]");
    for (var i = 0; i < charts.length; i += 1) {
      render(charts[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", renderAll);
  } else {
    renderAll();
  }
  window.peacetalksCharts = { render: render, renderAll: renderAll };
})();
