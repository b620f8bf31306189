// Deal builder: evaluate the deal through the JSON API whenever an option is picked,
// and rebuild the verdict (the same structure as templates/_verdict.html); redraw the
// territory map (#territory-map) from GET /api/scenarios/{id}/territory. Under each select
// the chosen option's whole label (#deal-ISSUE-full) follows the pick; the "show option
// ids" checkbox (#show-ids, ?ids=1 without script) shows each option's id at once.
"use strict";

(function () {
  const form = document.getElementById("deal-form");
  const labelsBlock = document.getElementById("deal-labels");
  if (!form || !labelsBlock) {
    return;
  }
  const labels = JSON.parse(labelsBlock.textContent);
  const url = form.dataset.evaluateUrl;
  const prefix = form.dataset.fieldPrefix;
  const csrfMeta = document.querySelector('meta[name="csrf-token"]');
  const selects = Array.from(form.querySelectorAll("select[data-issue]"));
  const idsToggle = document.getElementById("show-ids");
  let latest = 0;
  let latestMap = 0;

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === "className") {
        node.className = value;
      } else {
        node.setAttribute(key, value);
      }
    }
    for (const child of children || []) {
      node.append(child);
    }
    return node;
  }

  function actorName(id) {
    return labels.actors[id] || id;
  }

  function currentDeal() {
    const deal = {};
    for (const select of selects) {
      deal[select.dataset.issue] = select.value;
    }
    return deal;
  }

  function fixed(value) {
    return Number(value).toFixed(2);
  }

  function fillList(list, items, emptyText, build) {
    list.replaceChildren();
    if (items.length === 0) {
      list.append(el("li", { className: "none" }, [emptyText]));
      return;
    }
    for (const item of items) {
      list.append(build(item));
    }
  }

  function costItem(cost) {
    const issue = labels.issues[cost.issue] || { name: cost.issue, options: {} };
    const option = issue.options[cost.option] || cost.option;
    const text = issue.name + ": " + option + " (loss " + fixed(cost.loss) +
      (cost.red_line ? ", red line" : "") + ")";
    return el("li", {}, [text]);
  }

  function reasonItem(actor, withCosts) {
    const item = el("li", { "data-actor": actor.id }, [
      el("strong", {}, [actor.name || actorName(actor.id)]),
      ": " + actor.reason,
    ]);
    if (withCosts && actor.worst_issues && actor.worst_issues.length) {
      item.append(el("ul", { className: "costs" }, actor.worst_issues.map(costItem)));
    }
    return item;
  }

  function render(data) {
    const verdict = document.getElementById("verdict");
    const actors = data.actors;
    const blockers = actors.filter((a) => a.veto && !a.acceptable);
    const summary = document.getElementById("verdict-summary");
    const accepted = actors.filter((a) => a.acceptable).length;
    const head = data.passes
      ? "Every actor with a veto accepts this deal."
      : "Blocked by " + blockers.map((a) => a.name || actorName(a.id)).join(", ") + ".";
    summary.textContent = head + " Accepted by " + accepted + " of " + actors.length + " actors." +
      (data.robustness ? " It " + data.robustness : "");
    summary.className = "verdict-summary " + (data.passes ? "ok" : "blocked");
    const mini = document.getElementById("verdict-mini");
    if (mini) {
      mini.textContent = head;
      mini.className = "verdict-mini " + (data.passes ? "ok" : "blocked");
    }
    fillList(document.getElementById("blockers"), blockers, "Nobody with a veto blocks it.",
      (a) => reasonItem(a, true));
    fillList(document.getElementById("acceptors"), actors.filter((a) => a.acceptable),
      "Nobody accepts it.",
      (a) => el("li", { "data-actor": a.id }, [(a.name || actorName(a.id)) + (a.veto ? " (veto)" : "")]));
    fillList(document.getElementById("rejectors"), actors.filter((a) => !a.veto && !a.acceptable),
      "Nobody.", (a) => reasonItem(a, false));
    const body = document.querySelector("#utilities tbody");
    body.replaceChildren(...actors.map((a) => el("tr", { "data-actor": a.id }, [
      el("th", { scope: "row" }, [a.name || actorName(a.id)]),
      el("td", {}, [fixed(a.utility)]),
      el("td", {}, [fixed(a.reservation)]),
      el("td", {}, [(a.margin >= 0 ? "+" : "") + fixed(a.margin)]),
      el("td", {}, [a.p_accept === null || a.p_accept === undefined ? "" : fixed(a.p_accept)]),
      el("td", {}, [a.veto ? "yes" : "no"]),
      el("td", {}, [a.acceptable ? "accepts" : "rejects"]),
    ])));
    showAmendment(data.amendment);
    verdict.dataset.passes = data.passes ? "true" : "false";
  }

  // The smallest change every veto holder would accept (#amendment, as _verdict.html).
  function showAmendment(amendment) {
    const line = document.getElementById("amendment");
    if (!line) {
      return;
    }
    if (!amendment) {
      line.hidden = true;
      line.textContent = "";
      return;
    }
    const changes = Object.entries(amendment.changes || {});
    if (changes.length === 0) {
      line.textContent = "No change of options makes every veto holder accept this deal: " +
        "their red lines or reservations exclude it.";
    } else {
      const parts = changes.map(([issue, change]) => {
        const known = labels.issues[issue] || { name: issue, options: {} };
        return known.name + ": " + (known.options[change.from] || change.from) + " \u2192 " +
          (known.options[change.to] || change.to);
      });
      const count = amendment.n_changes;
      line.textContent = "Smallest change every veto holder would accept (" + count +
        " issue" + (count === 1 ? "" : "s") + "): " + parts.join("; ") + ".";
    }
    line.hidden = false;
  }

  function showError(message) {
    const summary = document.getElementById("verdict-summary");
    summary.textContent = "The deal could not be evaluated: " + message;
    summary.className = "verdict-summary error";
    const mini = document.getElementById("verdict-mini");
    if (mini) {
      mini.textContent = summary.textContent;
      mini.className = "verdict-mini blocked";
    }
  }

  function showIds() {
    return Boolean(idsToggle && idsToggle.checked);
  }

  // The whole label of each pick under its select, with its id when ids are shown.
  function showFullLabels() {
    const ids = showIds();
    for (const select of selects) {
      const known = (labels.issues[select.dataset.issue] || { options: {} }).options;
      for (const option of select.options) {
        const label = known[option.value] || option.value;
        option.textContent = ids ? label + " [" + option.value + "]" : label;
      }
      const full = document.getElementById(select.id + "-full");
      if (!full) {
        continue;
      }
      const chosen = select.selectedOptions[0];
      full.querySelector(".option-label").textContent =
        chosen ? known[chosen.value] || chosen.value : "";
      const idPart = full.querySelector(".option-id");
      idPart.querySelector("code").textContent = select.value;
      idPart.hidden = !ids;
    }
    const layout = document.getElementById("deal-layout");
    if (layout) {
      layout.classList.toggle("show-ids", ids);
    }
    const startIds = document.getElementById("start-ids");
    if (startIds) {
      startIds.disabled = !ids;
    }
  }

  // The address keeps the deal and the ids choice, so a reload shows the same page.
  function keepAddress(deal) {
    const query = new URLSearchParams();
    for (const [issue, option] of Object.entries(deal)) {
      query.set(prefix + issue, option);
    }
    if (showIds()) {
      query.set("ids", "1");
    }
    window.history.replaceState(null, "", window.location.pathname + "?" + query.toString());
  }

  async function evaluate() {
    const verdict = document.getElementById("verdict");
    const deal = currentDeal();
    const ticket = ++latest;
    verdict.dataset.state = "loading";
    verdict.setAttribute("aria-busy", "true");
    keepAddress(deal);
    const headers = { "Content-Type": "application/json", "Accept": "application/json" };
    if (csrfMeta) {
      headers["X-CSRF-Token"] = csrfMeta.content;
    }
    let state = "error";
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: headers,
        credentials: "same-origin",
        body: JSON.stringify({ deal: deal }),
      });
      const data = await response.json().catch(() => null);
      if (ticket !== latest) {
        return;
      }
      if (!response.ok || !data) {
        const detail = data && (data.message || data.detail);
        showError(typeof detail === "string" ? detail : "the server answered " + response.status + ".");
      } else {
        render(data);
        state = "ready";
      }
    } catch (error) {
      if (ticket !== latest) {
        return;
      }
      showError("the server could not be reached.");
    }
    verdict.dataset.deal = JSON.stringify(deal);
    verdict.dataset.state = state;
    verdict.removeAttribute("aria-busy");
  }

  // The map's SVG comes from our own server; it is parsed as SVG (no HTML parsing, no
  // scripts) and imported into the page in place of the old one.
  function showMap(figure, map) {
    const parsed = new DOMParser().parseFromString(map.svg, "image/svg+xml");
    const root = parsed.documentElement;
    if (parsed.getElementsByTagName("parsererror").length || root.localName !== "svg") {
      throw new Error("the map is not valid SVG.");
    }
    const frame = figure.querySelector(".map-frame");
    frame.replaceChildren(document.importNode(root, true));
    figure.querySelector("figcaption").textContent = map.summary;
  }

  async function redrawMap(deal) {
    const figure = document.getElementById("territory-map");
    if (!figure) {
      return;
    }
    const ticket = ++latestMap;
    figure.dataset.state = "loading";
    figure.setAttribute("aria-busy", "true");
    const query = new URLSearchParams();
    for (const [issue, option] of Object.entries(deal)) {
      query.set(prefix + issue, option);
    }
    let state = "error";
    try {
      const response = await fetch(figure.dataset.url + "?" + query.toString(), {
        headers: { "Accept": "application/json" },
        credentials: "same-origin",
      });
      const data = await response.json().catch(() => null);
      if (ticket !== latestMap) {
        return;
      }
      if (response.ok && data && data.map) {
        showMap(figure, data.map);
        state = "ready";
      } else {
        const detail = data && data.error && data.error.message;
        figure.querySelector("figcaption").textContent = "The map could not be drawn: " +
          (typeof detail === "string" ? detail : "the server answered " + response.status + ".");
      }
    } catch (error) {
      if (ticket !== latestMap) {
        return;
      }
      figure.querySelector("figcaption").textContent = "The map could not be drawn: " +
        (error instanceof Error && error.message ? error.message : "the server could not be reached.");
    }
    figure.dataset.deal = JSON.stringify(deal);
    figure.dataset.state = state;
    figure.removeAttribute("aria-busy");
  }

  for (const select of selects) {
    select.addEventListener("change", showFullLabels);
    select.addEventListener("change", evaluate);
    select.addEventListener("change", () => redrawMap(currentDeal()));
  }
  // The verdict updates on its own; the button stays for browsers without scripts.
  const button = form.querySelector(".evaluate-button");
  if (button) {
    button.hidden = true;
  }
  if (idsToggle) {
    idsToggle.addEventListener("change", () => {
      showFullLabels();
      keepAddress(currentDeal());
    });
  }
  showFullLabels();
  document.getElementById("verdict").dataset.deal = JSON.stringify(currentDeal());
})();
