// What the scenario editor (src/peacetalks/web/static/js/code-editor.js) uses of CodeMirror 6.
// tools/build_codemirror.sh bundles this file and its imports into one ES module.
export { EditorState } from "@codemirror/state";
export {
  EditorView,
  drawSelection,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  keymap,
  lineNumbers,
} from "@codemirror/view";
export { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
export {
  bracketMatching,
  defaultHighlightStyle,
  indentOnInput,
  syntaxHighlighting,
} from "@codemirror/language";
export { lintGutter, linter, forceLinting, setDiagnostics } from "@codemirror/lint";
export { yaml } from "@codemirror/lang-yaml";
export { Decoration, WidgetType } from "@codemirror/view";
export { StateEffect, StateField } from "@codemirror/state";
