// Scenario editor: "Line N" links of the problem list put the cursor on that line of the
// text area (selected and scrolled into view), and the current line is shown under it.
"use strict";

(function () {
  const area = document.getElementById("editor-text");
  const caret = document.getElementById("caret-position");
  if (!area) {
    return;
  }

  function lineStart(text, line) {
    let offset = 0;
    for (let n = 1; n < line; n += 1) {
      const next = text.indexOf("\n", offset);
      if (next < 0) {
        return text.length;
      }
      offset = next + 1;
    }
    return offset;
  }

  function goToLine(line) {
    const text = area.value;
    const start = lineStart(text, line);
    let end = text.indexOf("\n", start);
    if (end < 0) {
      end = text.length;
    }
    area.focus();
    area.setSelectionRange(start, end);
    const height = parseFloat(window.getComputedStyle(area).lineHeight) || 18;
    area.scrollTop = Math.max(0, (line - 1) * height - area.clientHeight / 3);
    area.dataset.line = String(line);
    showCaret();
  }

  function showCaret() {
    if (!caret) {
      return;
    }
    const before = area.value.slice(0, area.selectionStart);
    const line = before.split("\n").length;
    caret.textContent = "Line " + line;
  }

  for (const link of document.querySelectorAll("a.line-link[data-line]")) {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      goToLine(parseInt(link.dataset.line, 10));
    });
  }
  for (const name of ["keyup", "click", "select", "input"]) {
    area.addEventListener(name, showCaret);
  }
  const problems = document.getElementById("problems");
  if (problems) {
    problems.focus();
  }
})();
