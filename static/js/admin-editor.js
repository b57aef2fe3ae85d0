/* Folio's post editor, on top of django-markdownx (docs/editors.md).
 *
 * - The live preview shows the server-rendered HTML inside a shadow root that loads the
 *   public stylesheet, so it looks exactly like the published page without the site's
 *   styles leaking into the admin (or the admin's into the preview).
 * - A live word count under the body.
 * - "Add image…" (a file picker for those who cannot drag and drop), and after every
 *   upload the alt-text placeholder is selected so the writer types over it.
 * - Upload errors are shown, not inserted into the text.
 * - A warning before leaving the page with unsaved changes.
 */
(function () {
  "use strict";

  var ALT_PLACEHOLDER = "Describe this image";
  var UPLOAD_ERROR_TEXT = "Invalid response"; // what markdownx inserts on a failed upload

  function countWords(html) {
    // The same rule as Post.render(): the visible text of the rendered HTML, split on spaces.
    var text = html.replace(/<[^>]*>/g, " ").trim();
    return text ? text.split(/\s+/).length : 0;
  }

  function setUpPreview(preview, siteCss) {
    var root = preview.attachShadow({ mode: "open" });
    var link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = siteCss;
    var style = document.createElement("style");
    style.textContent =
      ":host { display: block; background: var(--bg); color: var(--text);" +
      " font: 17px/1.6 var(--font-ui); padding: 1rem 1.25rem; }";
    var prose = document.createElement("div");
    prose.className = "prose";
    root.append(link, style, prose);
    // markdownx writes each rendered preview into the (now unrendered) light DOM.
    var mirror = function () { prose.innerHTML = preview.innerHTML; };
    new MutationObserver(mirror).observe(preview, { childList: true, characterData: true, subtree: true });
    mirror();
  }

  function setUpEditor(container, siteCss) {
    var editor = container.querySelector("textarea.markdownx-editor");
    var preview = container.querySelector(".markdownx-preview");
    if (!editor || !preview) return;
    if (siteCss) setUpPreview(preview, siteCss);

    // Under the editor, spanning both panes: image picker, word count, messages.
    var tools = document.createElement("div");
    tools.className = "editor-tools";
    var picker = document.createElement("input");
    picker.type = "file";
    picker.accept = "image/jpeg,image/png,image/gif,image/webp";
    picker.className = "editor-image-input";
    picker.id = editor.id + "-image";
    var label = document.createElement("label");
    label.htmlFor = picker.id;
    label.className = "button editor-image-button";
    label.textContent = "Add image…";
    var hint = document.createElement("span");
    hint.className = "editor-hint";
    hint.textContent = "or drop or paste an image into the text";
    tools.append(picker, label, hint);
    var counter = null;
    if (editor.name === "body") {
      counter = document.createElement("span");
      counter.className = "editor-word-count";
      counter.setAttribute("role", "status");
      tools.append(counter);
    }
    var message = document.createElement("p");
    message.className = "editor-message";
    message.setAttribute("role", "status");
    container.append(tools, message);

    picker.addEventListener("change", function () {
      if (!picker.files.length) return;
      // Hand the files to markdownx exactly as a drop would, so there is one upload path.
      var transfer = new DataTransfer();
      Array.prototype.forEach.call(picker.files, function (file) { transfer.items.add(file); });
      editor.focus();
      editor.dispatchEvent(new DragEvent("drop", { dataTransfer: transfer, bubbles: true, cancelable: true }));
      picker.value = "";
    });

    container.addEventListener("markdownx.update", function (event) {
      if (counter) {
        var words = countWords(String(event.detail[0] || ""));
        counter.textContent = words === 1 ? "1 word" : words + " words";
      }
    });

    container.addEventListener("markdownx.fileUploadEnd", function (event) {
      var code = event.detail[0].image_code;
      var start = editor.value.lastIndexOf(code, editor.selectionEnd);
      if (start < 0) return;
      editor.focus();
      editor.setSelectionRange(start + 2, start + 2 + ALT_PLACEHOLDER.length);
      message.className = "editor-message editor-message--prompt";
      message.textContent =
        "Image added. Describe it for readers who cannot see it: type over the selected “" +
        ALT_PLACEHOLDER + "”.";
      editor.dispatchEvent(new Event("input", { bubbles: true }));
    });

    container.addEventListener("markdownx.fileUploadError", function (event) {
      var response = event.detail[0] || {};
      var end = editor.selectionEnd;
      if (editor.value.slice(end - UPLOAD_ERROR_TEXT.length, end) === UPLOAD_ERROR_TEXT) {
        editor.setRangeText("", end - UPLOAD_ERROR_TEXT.length, end, "end");
      }
      message.className = "editor-message editor-message--error";
      message.setAttribute("role", "alert");
      message.textContent = "Image not uploaded: " + (response.error || "the server refused it.");
    });
  }

  function guardUnsavedChanges(form) {
    var snapshot = function () {
      var parts = [];
      new FormData(form).forEach(function (value, key) {
        if (key !== "csrfmiddlewaretoken") parts.push(key + "=" + (typeof value === "string" ? value : value.name));
      });
      return parts.join("&");
    };
    // A form shown again with errors holds changes that were never saved.
    var saved = document.querySelector(".errornote") ? null : snapshot();
    var submitting = false;
    form.addEventListener("submit", function () { submitting = true; });
    window.addEventListener("beforeunload", function (event) {
      if (submitting || snapshot() === saved) return;
      event.preventDefault();
      event.returnValue = ""; // older browsers need it set to show the dialog
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("post_form");
    if (!form) return;
    var meta = document.querySelector('meta[name="folio-site-css"]');
    var siteCss = meta ? meta.content : null;
    form.querySelectorAll(".markdownx").forEach(function (container) { setUpEditor(container, siteCss); });
    guardUnsavedChanges(form);
  });
})();
