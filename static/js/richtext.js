// Rich-text fields: <textarea data-richtext> becomes a ProseMirror editor (django-prose-editor's build).
// The textarea stays the form field: the editor writes its HTML back on every change, and without
// JavaScript the textarea is what people type in. The server sanitizes the HTML either way.
import {
  Blockquote, Bold, BulletList, Document, Dropcursor, Editor, Gapcursor, HardBreak, Heading, History,
  HorizontalRule, HTML, Italic, Link, ListItem, Menu, OrderedList, Paragraph, Strike, Text, Underline,
} from "../django_prose_editor/editor.js";

const EMPTY = /^<(\w+)(\s[^>]*)?><\/\1>$/i;

function mount(textarea) {
  const disabled = textarea.disabled || textarea.closest("fieldset[disabled]") !== null;
  const label = document.querySelector(`label[for="${textarea.id}"]`);
  const wrap = document.createElement("div");
  wrap.className = `prose-editor${disabled ? " disabled" : ""}`;
  textarea.before(wrap);
  wrap.append(textarea);
  const attributes = { role: "textbox", "aria-multiline": "true" };
  if (label) {
    label.id ||= `${textarea.id}-label`;
    attributes["aria-labelledby"] = label.id;
    // The label points at the hidden textarea; a click on it should land in the editor.
    label.addEventListener("click", (event) => { event.preventDefault(); editor.commands.focus(); });
  }
  const editor = new Editor({
    element: wrap,
    editable: !disabled,
    injectCSS: false, // our CSP allows no inline styles: static/css/richtext.css carries these rules
    content: textarea.value,
    editorProps: { attributes },
    extensions: [
      Document, Paragraph, Text, HardBreak, Dropcursor, Gapcursor, History, Menu, HTML,
      Bold, Italic, Underline, Strike, Link, Heading.configure({ levels: [2, 3] }),
      BulletList, OrderedList, ListItem, Blockquote, HorizontalRule,
    ],
    onUpdate({ editor: changed }) {
      const html = changed.getHTML();
      textarea.value = EMPTY.test(html) ? "" : html;
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    },
  });
  return editor;
}

for (const textarea of document.querySelectorAll("textarea[data-richtext]")) {
  mount(textarea);
}
