// Python mode's source editor: CodeMirror 6, bundled by build.mjs into one ES module that the
// playground loads only in Python mode (so the page's other modes never pay for it).
//
//   const editor = createEditor(parent, { doc, onChange, label });
//   editor.getText(); editor.setText(text); editor.markError(line | null);
//   editor.focus(); editor.destroy();
//
// The extensions are picked one by one (like `minimalSetup`, plus what a code editor needs)
// rather than `basicSetup`: no autocompletion, search or lint, which keeps the bundle small.
import { Compartment, EditorState, RangeSet, StateEffect, StateField } from "@codemirror/state";
import {
  Decoration,
  EditorView,
  GutterMarker,
  drawSelection,
  gutter,
  gutterLineClass,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  keymap,
  lineNumbers,
} from "@codemirror/view";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { HighlightStyle, bracketMatching, indentOnInput, indentUnit, syntaxHighlighting } from "@codemirror/language";
// The language alone: `python()` would add completion sources, which need @codemirror/autocomplete.
import { pythonLanguage } from "@codemirror/lang-python";
import { tags as t } from "@lezer/highlight";

// ---- Colours ----------------------------------------------------------------------------------
// One palette per colour scheme, as CSS variables on the editor's root; the theme and the
// highlight style below only refer to the variables. Every text colour has 4.5:1 or more against
// every background it can sit on (plain, active line, error line, matched bracket, gutter).
const PALETTES = {
  light: {
    bg: "#ffffff",
    fg: "#18202b",
    active: "#eef3fb",
    selection: "#c9dcfb",
    bracket: "#d6e4fb",
    gutter: "#f3f5f8",
    "gutter-fg": "#586273",
    "gutter-active": "#e3eaf5",
    border: "#dde2ea",
    "error-bg": "#fdecec",
    error: "#b3161d",
    keyword: "#8b1fa9",
    string: "#116329",
    number: "#0550ae",
    comment: "#57606a",
    definition: "#953800",
  },
  dark: {
    bg: "#141a23",
    fg: "#e6ebf2",
    active: "#1c2533",
    selection: "#2f4366",
    bracket: "#2b3a52",
    gutter: "#10151d",
    "gutter-fg": "#97a3b6",
    "gutter-active": "#1c2533",
    border: "#263040",
    "error-bg": "#3a1518",
    error: "#ff8080",
    keyword: "#ff7ab8",
    string: "#8fd694",
    number: "#79c0ff",
    comment: "#9aa6b8",
    definition: "#ffb86b",
  },
};

/** A theme that only sets the palette's variables; `dark` also picks CodeMirror's dark defaults. */
function paletteTheme(palette, dark) {
  const vars = Object.fromEntries(Object.entries(palette).map(([name, value]) => [`--baton-${name}`, value]));
  return EditorView.theme({ "&": vars }, { dark });
}
const lightColours = paletteTheme(PALETTES.light, false);
const darkColours = paletteTheme(PALETTES.dark, true);

const v = (name) => `var(--baton-${name})`;

// Selectors that override CodeMirror's base theme repeat its specificity (`&.cm-focused …`).
const theme = EditorView.theme({
  "&": { color: v("fg"), backgroundColor: v("bg"), height: "100%" },
  // The page's focus ring (its --focus variable), on the whole editor, gutters included.
  "&.cm-focused": { outline: "3px solid var(--focus, #2563eb)", outlineOffset: "2px" },
  ".cm-scroller": { fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace", lineHeight: "1.5" },
  ".cm-content": { caretColor: v("fg") },
  ".cm-cursor, .cm-dropCursor": { borderLeftColor: v("fg") },
  ".cm-selectionBackground, &.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground": {
    background: v("selection"),
  },
  ".cm-activeLine": { backgroundColor: v("active") },
  "&.cm-focused .cm-matchingBracket": { backgroundColor: v("bracket") },
  "&.cm-focused .cm-nonmatchingBracket": { backgroundColor: "transparent", color: v("error") },
  ".cm-gutters": { backgroundColor: v("gutter"), color: v("gutter-fg"), borderRight: `1px solid ${v("border")}` },
  ".cm-activeLineGutter": { backgroundColor: v("gutter-active") },
  // More specific than .cm-activeLine, so an error line stays red when the cursor is on it.
  ".cm-line.cm-error-line, .cm-gutterElement.cm-error-gutter-line": { backgroundColor: v("error-bg") },
  ".cm-error-gutter .cm-gutterElement": { color: v("error"), fontWeight: "bold", padding: "0 3px" },
});

const highlightStyle = HighlightStyle.define([
  { tag: t.keyword, color: v("keyword") },
  { tag: [t.bool, t.null, t.self, t.atom, t.number], color: v("number") },
  { tag: [t.string, t.special(t.string), t.escape], color: v("string") },
  { tag: t.comment, color: v("comment"), fontStyle: "italic" },
  { tag: [t.function(t.definition(t.variableName)), t.definition(t.className)], color: v("definition") },
  { tag: t.invalid, color: v("error") },
]);

// ---- The error line -----------------------------------------------------------------------------
// The start of the marked line, or null. It follows edits (mapped, then snapped to its line's
// start), and a line decoration, a gutter marker and a gutter line class are derived from it.
const setErrorLine = StateEffect.define();
const errorLine = StateField.define({
  create: () => null,
  update(pos, tr) {
    if (pos != null && tr.docChanged) pos = tr.state.doc.lineAt(tr.changes.mapPos(pos)).from;
    for (const e of tr.effects) if (e.is(setErrorLine)) pos = e.value;
    return pos;
  },
});

class ErrorMarker extends GutterMarker {
  eq(other) {
    return other instanceof ErrorMarker;
  }
  toDOM() {
    return document.createTextNode("!");
  }
}
const errorMarker = new ErrorMarker();
// Gives every gutter element of the line (the line number's too) a class of its own, so that
// `.cm-error-line` stays the one line of text.
class ErrorGutterLine extends GutterMarker {
  get elementClass() {
    return "cm-error-gutter-line";
  }
}
const errorGutterLine = new ErrorGutterLine();
const errorLineDecoration = Decoration.line({ class: "cm-error-line" });

const errorExtensions = [
  errorLine,
  EditorView.decorations.compute([errorLine], (state) => {
    const pos = state.field(errorLine);
    return pos == null ? Decoration.none : Decoration.set(errorLineDecoration.range(pos));
  }),
  gutterLineClass.compute([errorLine], (state) => {
    const pos = state.field(errorLine);
    return pos == null ? RangeSet.empty : RangeSet.of(errorGutterLine.range(pos));
  }),
  gutter({
    class: "cm-error-gutter",
    lineMarker: (view, line) => (line.from === view.state.field(errorLine) ? errorMarker : null),
    lineMarkerChange: (update) => update.startState.field(errorLine) !== update.state.field(errorLine),
    // Reserves the column, so that marking an error does not shift the text.
    initialSpacer: () => errorMarker,
  }),
];

// ---- The editor ---------------------------------------------------------------------------------
/**
 * Mounts a Python editor into `parent`.
 * @param {HTMLElement} parent
 * @param {{ doc?: string, onChange?: (text: string) => void, label?: string }} [options]
 *   `label` is the accessible name of the text area (default "code.py").
 */
export function createEditor(parent, { doc = "", onChange, label = "code.py" } = {}) {
  // Follow the system's colour scheme, as the page does, also when it changes later.
  const media = typeof matchMedia === "function" ? matchMedia("(prefers-color-scheme: dark)") : null;
  const colours = new Compartment();
  const currentColours = () => (media?.matches ? darkColours : lightColours);

  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc,
      extensions: [
        lineNumbers(),
        errorExtensions,
        highlightActiveLineGutter(),
        highlightSpecialChars(),
        history(),
        drawSelection(),
        indentOnInput(),
        bracketMatching(),
        highlightActiveLine(),
        pythonLanguage,
        indentUnit.of("    "), // PEP 8 (CodeMirror's default is two spaces)
        syntaxHighlighting(highlightStyle),
        // Tab indents; Escape then Tab still moves focus out (CodeMirror's built-in escape hatch),
        // as does Ctrl-m (toggleTabFocusMode, in defaultKeymap).
        keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
        theme,
        colours.of(currentColours()),
        EditorView.editorAttributes.of({ class: "baton-editor" }),
        EditorView.contentAttributes.of({ "aria-label": label }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged && onChange) onChange(update.state.doc.toString());
        }),
      ],
    }),
  });

  // A long program scrolls its scroller, which the keyboard must reach (axe's
  // scrollable-region-focusable: the contenteditable inside does not count).
  view.scrollDOM.tabIndex = 0;
  view.scrollDOM.setAttribute("role", "region");
  view.scrollDOM.setAttribute("aria-label", `${label}, scrollable`);

  const onScheme = () => view.dispatch({ effects: colours.reconfigure(currentColours()) });
  media?.addEventListener("change", onScheme);

  return {
    getText: () => view.state.doc.toString(),
    /** Replaces the whole text (undoable, like an edit) and clears the error mark. */
    setText(text) {
      const current = view.state.doc.toString();
      if (text === current) return;
      view.dispatch({ changes: { from: 0, to: current.length, insert: text }, effects: setErrorLine.of(null) });
    },
    /** Marks a line (1-based) as the error's; null clears; a line outside the text is ignored. */
    markError(line) {
      const { doc } = view.state;
      if (line == null) view.dispatch({ effects: setErrorLine.of(null) });
      else if (Number.isInteger(line) && line >= 1 && line <= doc.lines) {
        view.dispatch({ effects: setErrorLine.of(doc.line(line).from) });
      }
    },
    focus: () => view.focus(),
    destroy() {
      media?.removeEventListener("change", onScheme);
      view.destroy();
    },
  };
}
