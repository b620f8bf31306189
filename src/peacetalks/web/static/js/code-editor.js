// Scenario editor: a code editor (CodeMirror 6: line numbers, YAML colours, each problem at
// its line) over the text area, switched on by a checkbox and remembered in this browser.
//
// Progressive enhancement: without script (or with the box unticked) the page is the text
// area, and the form posts it as before. With the code editor on, the text area is hidden
// but stays in the form; every change is copied into it, so Save and the common edits send
// what is shown.
//
// The page's Content-Security-Policy is style-src 'self': CodeMirror adds its styles as a
// <style> element in a document, which that policy refuses. In a shadow root it adopts a
// constructed style sheet instead (CSSOM, which the policy does not govern), so the editor
// lives in a shadow root and no policy is loosened.
import {
  Decoration,
  EditorState,
  EditorView,
  StateField,
  WidgetType,
  bracketMatching,
  defaultHighlightStyle,
  defaultKeymap,
  drawSelection,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  history,
  historyKeymap,
  indentOnInput,
  keymap,
  lineNumbers,
  lintGutter,
  setDiagnostics,
  syntaxHighlighting,
  yaml,
} from "./vendor/codemirror.js";

const STORED = "peacetalks.code-editor";
const area = document.getElementById("editor-text");
const caret = document.getElementById("caret-position");

function readMarks() {
  const element = document.getElementById("editor-marks");
  if (!element) {
    return [];
  }
  try {
    const marks = JSON.parse(element.textContent);
    return Array.isArray(marks) ? marks : [];
  } catch (error) {
    return [];
  }
}

// The message of a problem, drawn under its line (a widget, not part of the text).
class ProblemWidget extends WidgetType {
  constructor(mark) {
    super();
    this.mark = mark;
  }

  eq(other) {
    return other.mark === this.mark;
  }

  toDOM() {
    const box = document.createElement("div");
    box.className = "pt-problem pt-" + this.mark.severity + " pt-from-" + this.mark.source;
    box.dataset.line = String(this.mark.line);
    box.dataset.severity = this.mark.severity;
    box.dataset.source = this.mark.source;
    box.setAttribute("role", "note");
    const label = this.mark.source === "lint" ? "Lint " + this.mark.severity : "Problem";
    box.textContent = label + " (line " + this.mark.line + "): " + this.mark.message;
    return box;
  }

  ignoreEvent() {
    return false;
  }
}

function problemDecorations(state, marks) {
  const ranges = [];
  for (const mark of marks) {
    const number = Math.min(Math.max(1, mark.line), state.doc.lines);
    const line = state.doc.line(number);
    const kind = mark.severity === "error" ? "error" : "warning";
    ranges.push(Decoration.line({ class: "pt-problem-line pt-" + kind }).range(line.from));
    const widget = Decoration.widget({ widget: new ProblemWidget(mark), block: true, side: -1 });
    ranges.push(widget.range(line.from));
  }
  return Decoration.set(ranges, true);
}

function problemField(marks) {
  return StateField.define({
    create: (state) => problemDecorations(state, marks),
    update: (decorations, transaction) => decorations.map(transaction.changes),
    provide: (field) => EditorView.decorations.from(field),
  });
}

function diagnostics(state, marks) {
  return marks.map((mark) => {
    const number = Math.min(Math.max(1, mark.line), state.doc.lines);
    const line = state.doc.line(number);
    const start = line.from + (line.text.length - line.text.trimStart().length);
    return {
      from: Math.min(start, line.to),
      to: line.to,
      severity: mark.severity === "error" ? "error" : "warning",
      message: mark.message,
    };
  });
}

const theme = EditorView.theme({
  "&": { height: "100%", maxHeight: "70vh", fontSize: "0.9rem", backgroundColor: "#ffffff" },
  ".cm-scroller": {
    fontFamily: 'ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace',
    lineHeight: "1.45",
    minHeight: "24rem",
  },
  ".cm-content": { color: "#1b1f24" },
  ".cm-gutters": { backgroundColor: "#f4f6f8", color: "#4b5563", borderRight: "1px solid #c9d0d8" },
  ".cm-activeLineGutter": { backgroundColor: "#e4e9ef", color: "#1b1f24" },
  ".cm-activeLine": { backgroundColor: "#f3f6fb" },
  "&.cm-focused": { outline: "3px solid #b35900", outlineOffset: "0" },
  ".pt-problem-line.pt-error": { backgroundColor: "#fbeceb" },
  ".pt-problem-line.pt-warning": { backgroundColor: "#fff6d6" },
  ".pt-problem": {
    margin: "0 0 0.25rem 0.5rem",
    padding: "0.2rem 0.5rem",
    borderLeft: "4px solid #a3261b",
    backgroundColor: "#fbeceb",
    color: "#1b1f24",
    fontFamily: "system-ui, sans-serif",
    whiteSpace: "normal",
  },
  ".pt-problem.pt-warning": { borderLeftColor: "#8a5a00", backgroundColor: "#fff6d6" },
  ".pt-problem.pt-info": { borderLeftColor: "#1d4f91", backgroundColor: "#eef3fa" },
});

function lineNumberAt(state) {
  return state.doc.lineAt(state.selection.main.head).number;
}

let view = null;
let host = null;

function showCaret(state) {
  if (caret) {
    caret.textContent = "Line " + lineNumberAt(state);
  }
}

function turnOn() {
  if (view) {
    return;
  }
  const marks = readMarks();
  host = document.createElement("div");
  host.className = "code-editor-host";
  host.id = "code-editor";
  area.insertAdjacentElement("afterend", host);
  const root = host.attachShadow({ mode: "open" });
  const parent = document.createElement("div");
  root.appendChild(parent);
  const labels = { "aria-label": "Scenario (YAML)" };
  if (area.getAttribute("aria-invalid") === "true") {
    labels["aria-invalid"] = "true";
  }
  const state = EditorState.create({
    doc: area.value,
    extensions: [
      lineNumbers(),
      highlightActiveLineGutter(),
      highlightSpecialChars(),
      history(),
      drawSelection(),
      indentOnInput(),
      syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
      bracketMatching(),
      highlightActiveLine(),
      // Long lines wrap, so a problem's message and the text fit a phone's width.
      EditorView.lineWrapping,
      // No Tab binding: Tab leaves the editor, as it leaves any other field.
      keymap.of([...defaultKeymap, ...historyKeymap]),
      yaml(),
      lintGutter(),
      problemField(marks),
      theme,
      EditorView.contentAttributes.of(labels),
      EditorView.updateListener.of((update) => {
        if (update.docChanged) {
          area.value = update.state.doc.toString();
        }
        if (update.docChanged || update.selectionSet) {
          showCaret(update.state);
        }
      }),
    ],
  });
  view = new EditorView({ state, parent, root });
  view.dispatch(setDiagnostics(view.state, diagnostics(view.state, marks)));
  area.classList.add("replaced");
  area.tabIndex = -1;
  showCaret(view.state);
}

function turnOff() {
  if (!view) {
    return;
  }
  area.value = view.state.doc.toString();
  view.destroy();
  view = null;
  host.remove();
  host = null;
  area.classList.remove("replaced");
  area.removeAttribute("tabindex");
}

function goToLine(number) {
  const line = view.state.doc.line(Math.min(Math.max(1, number), view.state.doc.lines));
  view.dispatch({
    selection: { anchor: line.from, head: line.to },
    effects: EditorView.scrollIntoView(line.from, { y: "center" }),
  });
  view.focus();
}

function remember(on) {
  try {
    window.localStorage.setItem(STORED, on ? "on" : "off");
  } catch (error) {
    // Storage may be off (private windows); the box still works for this page.
  }
}

function remembered() {
  try {
    return window.localStorage.getItem(STORED) === "on";
  } catch (error) {
    return false;
  }
}

if (area) {
  const toggle = document.createElement("p");
  toggle.className = "code-editor-toggle";
  const box = document.createElement("input");
  box.type = "checkbox";
  box.id = "code-editor-on";
  const label = document.createElement("label");
  label.htmlFor = box.id;
  label.textContent = "Code editor: line numbers, YAML colours and each problem at its line";
  toggle.append(box, label);
  area.insertAdjacentElement("beforebegin", toggle);
  box.addEventListener("change", () => {
    if (box.checked) {
      turnOn();
      view.focus();
    } else {
      turnOff();
    }
    remember(box.checked);
  });
  // "Line N" links select the line in the code editor when it is on (before editor.js,
  // which selects it in the text area, sees the click).
  document.addEventListener(
    "click",
    (event) => {
      const link = event.target.closest ? event.target.closest("a.line-link[data-line]") : null;
      if (!link || !view) {
        return;
      }
      event.preventDefault();
      event.stopPropagation();
      goToLine(parseInt(link.dataset.line, 10));
    },
    true,
  );
  if (remembered()) {
    box.checked = true;
    turnOn();
  }
}
