// Python mode's source editor: prism-code-editor (a <textarea> under Prism-highlighted lines),
// bundled by build.mjs into one ES module, styles included, that the playground loads only in
// Python mode (so the page's other modes never pay for it).
//
//   const editor = createEditor(parent, { doc, onChange, label });
//   editor.getText(); editor.setText(text); editor.markError(line | null);
//   editor.focus(); editor.destroy();
//
// The pieces are picked one by one rather than through prism-code-editor/setups (which add
// search, a shadow root and themes): the core, Python's grammar and indentation rule, the
// editing commands and their keys, the undo history and bracket-pair highlighting.
import { createEditor as createPrismEditor, numLines } from "prism-code-editor";
import "prism-code-editor/prism/languages/python"; // the grammar (highlighting)
import "prism-code-editor/languages/python"; // comment token and "indent after `:`"
import {
  defaultKeymap,
  editHistory,
  editorCommands,
  ignoreTab,
  indentSelectedLines,
  insertTab,
  isModifierKey,
} from "prism-code-editor/commands";
import { matchBrackets } from "prism-code-editor/match-brackets";
import { highlightBracketPairs } from "prism-code-editor/highlight-brackets";
// The library's layout (line numbers, the textarea over the lines, the active line), as text.
import layoutCss from "prism-code-editor/layout.css";

// ---- Colours ----------------------------------------------------------------------------------
// One palette per colour scheme, as CSS variables on the editor's root; the rules below only
// refer to the variables, and a media query picks the palette, so the editor follows the
// system's scheme also when it changes later. Every text colour has 4.5:1 or more against
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
const vars = (palette) =>
  Object.entries(palette)
    .map(([name, value]) => `--baton-${name}:${value};`)
    .join("");

/** The class of the marked line's element (a `.pce-line`). */
const ERROR_LINE = "baton-error-line";

const CSS = `${layoutCss}
.baton-editor{${vars(PALETTES.light)}color-scheme:light;
--pce-bg:var(--baton-bg);--pce-cursor:var(--baton-fg);--pce-selection:var(--baton-selection);
--pce-line-number:var(--baton-gutter-fg);--pce-bg-highlight:var(--baton-active);
color:var(--baton-fg);height:100%;box-sizing:border-box;border:3px solid transparent;
font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;line-height:1.5}
@media (prefers-color-scheme:dark){.baton-editor{${vars(PALETTES.dark)}color-scheme:dark}}
.baton-editor.pce-focus{border-color:var(--focus,#2563eb)}
.baton-editor.show-line-numbers:before{background:var(--baton-gutter);box-shadow:inset -1px 0 var(--baton-border)}
.baton-editor .pce-line:before{box-shadow:inset -1px 0 var(--baton-border)}
.baton-editor .active-line:before{background:var(--baton-gutter-active)}
.baton-editor .pce-line.${ERROR_LINE}:after{content:"";position:absolute;top:0;right:0;bottom:0;left:var(--padding-left);border:0;background:var(--baton-error-bg);z-index:-2}
.baton-editor .pce-line.${ERROR_LINE}:before{content:"!" counter(line);background:var(--baton-error-bg);color:var(--baton-error);font-weight:bold}
.baton-editor .active-bracket{background:var(--baton-bracket)}
.baton-editor .token.keyword{color:var(--baton-keyword)}
.baton-editor .token.boolean,.baton-editor .token.number{color:var(--baton-number)}
.baton-editor .token.string{color:var(--baton-string)}
.baton-editor .token.comment{color:var(--baton-comment);font-style:italic}
.baton-editor .token.function,.baton-editor .token.class-name{color:var(--baton-definition)}
`;

/** Adds the editor's style sheet to the document, once. */
function addStyle() {
  if (document.getElementById("baton-editor-style")) return;
  const style = document.createElement("style");
  style.id = "baton-editor-style";
  style.textContent = CSS;
  document.head.append(style);
}

// ---- The error line -----------------------------------------------------------------------------
const lineStart = (text, pos) => text.lastIndexOf("\n", pos - 1) + 1;

/**
 * Where `pos` of `before` lands in `after`. The edit is taken as the one replaced span between
 * their common start and common end; the end may not pass `cursor` (where the caret is after
 * the edit), which tells "Enter at the end of line 2" from "Enter at the start of line 3".
 * A position inside the replaced span goes to its start, one at its start stays.
 */
function mapPos(pos, before, after, cursor) {
  const shorter = Math.min(before.length, after.length);
  const endMax = Math.min(shorter, after.length - cursor);
  let end = 0;
  while (end < endMax && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
  let start = 0;
  while (start < shorter - end && before[start] === after[start]) start++;
  if (pos <= start) return pos;
  if (pos >= before.length - end) return pos + after.length - before.length;
  return start;
}

// ---- The editor ---------------------------------------------------------------------------------
/**
 * Mounts a Python editor into `parent`.
 * @param {HTMLElement} parent
 * @param {{ doc?: string, onChange?: (text: string) => void, label?: string }} [options]
 *   `label` is the accessible name of the text area (default "code.py").
 */
export function createEditor(parent, { doc = "", onChange, label = "code.py" } = {}) {
  addStyle();

  // Tab indents the line (or the selected lines) by one step of 4 spaces wherever the caret is,
  // as CodeMirror's indentWithTab did; in a line's leading blanks (an empty line too) it inserts
  // spaces up to the next step. Shift-Tab dedents.
  //
  // Keyboard users must still be able to leave the editor, so there are two escape hatches:
  // - Escape then Tab (or Shift-Tab) moves the focus out as usual: Escape arms the very next key
  //   (`escaped`), and a Tab command that returns false leaves the key to the browser;
  // - Ctrl-M (Ctrl-Shift-M on a Mac) turns Tab capture off and on again (prism-code-editor's own
  //   switch, `ignoreTab`, in its defaultKeymap), for every editor on the page.
  let escaped = false;
  const keymap = {
    ...defaultKeymap,
    Tab(editor) {
      if (escaped || ignoreTab) return false;
      const [start, end] = editor.getSelection();
      const before = editor.value.slice(lineStart(editor.value, start), start);
      return start === end && !/\S/.test(before) ? insertTab(editor, start) : indentSelectedLines(editor);
    },
    "8+Tab": (editor) => !escaped && !ignoreTab && indentSelectedLines(editor, true),
  };

  const editor = createPrismEditor(
    parent,
    { language: "python", value: doc, tabSize: 4, insertSpaces: true, lineNumbers: true, class: "baton-editor" },
    // No brackets or quotes closed as they are typed (the playground never had that).
    editorCommands(keymap, []),
    editHistory(),
    matchBrackets(false),
    highlightBracketPairs(),
  );
  const { textarea } = editor;
  textarea.setAttribute("aria-label", label);
  // The core's Escape blurs the textarea; here Escape only arms the next Tab (above).
  delete editor.keyCommandMap.Escape;
  // After the commands' own keydown handler, so that the Tab after Escape sees `escaped`.
  textarea.addEventListener("keydown", (e) => {
    escaped = e.key === "Escape" || (escaped && isModifierKey(e));
  });
  textarea.addEventListener("blur", () => (escaped = false));
  // No `<` wrapping a selection in `<>` (for markup; editorCommands adds it for every language).
  delete editor.inputCommandMap["<"];

  // The marked line, as the offset of its start (or null); it follows edits, and the element of
  // its line carries ERROR_LINE (its line number shows a "!").
  let errorStart = null;
  let marked = null;
  const showMark = () => {
    const el = errorStart == null ? null : editor.lines[numLines(editor.value, 0, errorStart)];
    if (el !== marked) marked?.classList.remove(ERROR_LINE);
    el?.classList.add(ERROR_LINE);
    marked = el;
  };

  let previous = editor.value;
  editor.on("update", (text) => {
    if (errorStart != null) errorStart = lineStart(text, mapPos(errorStart, previous, text, editor.getSelection()[1]));
    const changed = text !== previous;
    previous = text;
    showMark();
    if (changed && onChange) onChange(text);
  });

  return {
    getText: () => editor.value,
    /** Replaces the whole text (undoable, like an edit) and clears the error mark. */
    setText(text) {
      if (text === editor.value) return;
      errorStart = null;
      // An input event as the history extension sees one from the user (but without focusing
      // the textarea, as the library's insertText would): the selectionchange first ends any
      // run of typing, so that this replacement is an undo step of its own.
      textarea.dispatchEvent(new Event("selectionchange"));
      textarea.dispatchEvent(new InputEvent("beforeinput", { inputType: "insertReplacementText", data: text }));
      textarea.value = text;
      textarea.setSelectionRange(0, 0);
      textarea.dispatchEvent(new InputEvent("input", { inputType: "insertReplacementText", data: text }));
    },
    /** Marks a line (1-based) as the error's; null clears; a line outside the text is ignored. */
    markError(line) {
      if (line == null) errorStart = null;
      else if (Number.isInteger(line) && line >= 1 && line <= numLines(editor.value)) {
        let pos = 0;
        for (let n = 1; n < line; n++) pos = editor.value.indexOf("\n", pos) + 1;
        errorStart = pos;
      } else return;
      showMark();
    },
    focus: () => textarea.focus(),
    destroy: () => editor.remove(),
  };
}
