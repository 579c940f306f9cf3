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
import { createEditor as createPrismEditor, languageMap, numLines } from "prism-code-editor";
import "prism-code-editor/prism/languages/python"; // the grammar (highlighting)
import "prism-code-editor/languages/python"; // comment token and "indent after `:`" (refined below)
import {
  defaultKeymap,
  editHistory,
  editorCommands,
  ignoreTab,
  indentSelectedLines,
  insertLineAndIndent,
  insertTab,
  isModifierKey,
} from "prism-code-editor/commands";
import { insertText } from "prism-code-editor/utils";
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

/** The start of the line at `pos`, and its end (at its newline, or the text's end). */
const lineStart = (text, pos) => text.lastIndexOf("\n", pos - 1) + 1;
const lineEnd = (text, pos) => (pos = text.indexOf("\n", pos)) < 0 ? text.length : pos;

// ---- Python's indentation -----------------------------------------------------------------------
// prism-code-editor's rule for Python indents the next line after one that ends in `:` or in an
// open bracket, tested on the line's raw text: so not after `if x:  # why`, but after
// `print("a:")`, `x = 1  # note:` or an `Args:` in a docstring. The rules here test the code
// alone, with strings and comments masked out by the editor's tokens (the highlighting's, always
// those of the current text, so a line inside a multi-line string is known as such too).

/**
 * The text from the start to the end of the line at `pos`, as code alone: a comment's characters
 * become spaces and a string's "_" (so a `:`, bracket or quote in either counts for nothing,
 * while the string still counts as an operand: `f = lambda: "x"` does not end in `:`), except on
 * a string's lines after its first, which become blank (they are text, not lines of code).
 * A quote left in it opens a string not closed yet (the grammar's strings end on their line).
 */
function codeUpTo(editor, pos) {
  const { value, tokens } = editor;
  const end = lineEnd(value, pos);
  let code = "";
  // The top-level tokens cover the text (strings and tokens alike have a length); comments and
  // strings are never inside other tokens there.
  for (let i = 0; code.length < end && i < tokens.length; i++) {
    const text = value.slice(code.length, code.length + tokens[i].length);
    const type = typeof tokens[i] === "string" ? "" : tokens[i].type;
    if (type === "comment") code += " ".repeat(text.length);
    else if (type.includes("string")) {
      const [first, ...rest] = text.split("\n");
      code += ["_".repeat(first.length), ...rest.map((line) => " ".repeat(line.length))].join("\n");
    } else code += text;
  }
  return code;
}

/** The width of a line's indentation in columns (a tab reaching the next multiple of `tabSize`). */
function indentWidth(line, tabSize) {
  let width = 0;
  for (const c of line.match(/^[ \t]*/)[0]) width = c === "\t" ? width - (width % tabSize) + tabSize : width + 1;
  return width;
}

/** Whether a line of code (from codeUpTo) leaves a string or a bracket open. */
const leavesOpen = (code) => /["']/.test(code) || (code.match(/[([{]/g)?.length ?? 0) > (code.match(/[)\]}]/g)?.length ?? 0);

/** The lines of code (from codeUpTo) above the one starting at `start`, nearest first, blank ones skipped. */
function* linesAbove(code, start) {
  for (let end = start - 1; end >= 0; ) {
    const from = lineStart(code, end);
    const line = code.slice(from, end);
    if (/\S/.test(line)) yield line;
    end = from - 1;
  }
}

// The library's rule, the same patterns (`:` last, or an open bracket with no closer after it),
// on the code before the caret; not within a string left open. Enter between brackets still adds
// the line for the closing one (the library's second rule). Only "python" is the editor's
// language (the library's aliases, "py" and the like, keep its rule).
const python = languageMap.python;
languageMap.python = {
  ...python,
  autoIndent: [
    ([start], _value, editor) => {
      const code = codeUpTo(editor, start);
      const before = code.slice(lineStart(code, start), start);
      return !/["']/.test(before) && /[([{][^)\]}]*$|:\s*$/.test(before);
    },
    python.autoIndent[1],
  ],
};

/** A statement after which Python's next line is the enclosing block's (comments masked out). */
const ENDS_BLOCK = /^\s*(?:(?:pass|break|continue)\s*|(?:return|raise)\b.*)$/;

/**
 * The command for Enter (and Shift-Enter; Mod-Enter, with `eol`, at the line's end): the library's
 * new line (indentation kept, one more unit after `:` or an open bracket), but one unit less after
 * a complete `return`, `pass`, `break`, `continue` or `raise` with nothing after the caret, as
 * Python's next statement belongs to the enclosing block then (as in VS Code).
 */
const newLine = (eol) => (editor) => {
  const value = editor.value;
  let [start, end] = editor.getSelection();
  if (eol) start = end = lineEnd(value, end);
  const code = codeUpTo(editor, end);
  const before = code.slice(lineStart(code, start), start);
  const after = code.slice(end, lineEnd(code, end));
  // Not within the statement: code after the caret, a bracket or string open, a `\` at the end.
  if (/\S/.test(after) || !ENDS_BLOCK.test(before) || leavesOpen(before) || /\\\s*$/.test(before)) {
    return insertLineAndIndent(editor, eol);
  }
  const { tabSize } = editor.options;
  const indent = Math.max(0, Math.floor(indentWidth(before, tabSize) / tabSize) * tabSize - tabSize);
  // A lone "\n" at the very end is left to the browser, as the library's command does (Chrome's
  // execCommand mishandles a trailing newline in a textarea).
  if (!indent && !value[end]) return false;
  insertText(editor, "\n" + " ".repeat(indent), start, end);
  return true;
};

/** The start of a clause that continues the statement above it, up to its `:` (comments masked out). */
const CLAUSE = /^\s*(?:else|finally|(?:elif|except)\b.*)\s*:$/;

/**
 * Just after a `:` is typed: if it ends a clause that continues the block above (`else:`,
 * `elif x:`, `except E:`, `except:`, `finally:`) alone on its line, dedents the line by one unit
 * when the line is still at the depth of the block's body, as VS Code and CodeMirror do. That is
 * when the nearest line of code above is not deeper (else the line already closes that deeper
 * block, as a clause does) and a line above is shallower (the block's own); the dedent goes no
 * further left than that line, so never past column 0. It is an undo step of its own (insertText
 * records it in the history), so Ctrl-Z brings the line back as it was typed.
 */
function dedentClause(editor) {
  const [pos, end] = editor.getSelection();
  if (pos !== end) return;
  const code = codeUpTo(editor, pos);
  const start = lineStart(code, pos);
  const line = code.slice(start, pos);
  if (!CLAUSE.test(line) || leavesOpen(line) || /\S/.test(code.slice(pos, lineEnd(code, pos)))) return;
  const { tabSize } = editor.options;
  const width = indentWidth(line, tabSize);
  let previous = null;
  let outer = null;
  for (const above of linesAbove(code, start)) {
    const w = indentWidth(above, tabSize);
    previous ??= w;
    if (w < width) {
      outer = w;
      break;
    }
  }
  if (outer == null || previous > width) return;
  const indent = Math.max(outer, width - (width % tabSize || tabSize));
  const indentEnd = start + line.search(/\S/);
  insertText(editor, " ".repeat(indent), start, indentEnd, pos - (indentEnd - start) + indent);
}

// ---- The error line -----------------------------------------------------------------------------

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
    Enter: newLine(),
    "8+Enter": newLine(),
    "Mod+Enter": newLine(true),
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
  // A typed `:` may end an `else:` and the like (dedentClause). After the input, not before it
  // (the library's inputCommandMap), so that the `:` goes in as typed, in its run of typing, and
  // the dedent is the next undo step; the editor and its history have seen the input by now
  // (their listeners came first).
  textarea.addEventListener("input", (e) => {
    if (e.inputType === "insertText" && e.data === ":") dedentClause(editor);
  });

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
