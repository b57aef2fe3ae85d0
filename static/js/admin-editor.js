/* Folio's markdown editor, on top of django-markdownx (docs/editors.md), for every
 * markdown field of the admin (folio.admin.MarkdownEditor: posts, tags, author bios).
 *
 * - The live preview shows the server-rendered HTML inside a shadow root that loads the
 *   public stylesheet, so it looks exactly like the published page without the site's
 *   styles leaking into the admin (or the admin's into the preview). Its TeX math is
 *   typeset by KaTeX (static/js/math.js), as on the published page.
 * - A live word count under a post's body.
 * - Images: "Add image…" (a file picker for those who cannot drag and drop), drop and
 *   paste. This script uploads them itself, instead of markdownx: markdownx writes
 *   "Invalid response" into the text at the cursor on every refused upload. Here nothing
 *   but an accepted image changes the text; a refusal is shown under the editor. A file
 *   over the size limit is refused before it is sent.
 * - After every upload the alt-text placeholder is selected so the writer types over it.
 * - A warning before leaving the page with unsaved changes.
 */
(function () {
  "use strict";

  var ALT_PLACEHOLDER = "Describe this image";

  function countWords(html) {
    // The same rule as Post.render(): the visible text of the rendered HTML, split on spaces.
    var text = html.replace(/<[^>]*>/g, " ").trim();
    return text ? text.split(/\s+/).length : 0;
  }

  function stylesheet(href) {
    var link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = href;
    return link;
  }

  function setUpPreview(preview, siteCss, mathCss) {
    var root = preview.attachShadow({ mode: "open" });
    // No <style> element: the Content-Security-Policy allows stylesheets from files
    // only. site.css carries the pane's own :host rule.
    var prose = document.createElement("div");
    prose.className = "prose";
    if (mathCss) root.append(stylesheet(mathCss));
    root.append(stylesheet(siteCss), prose);
    // markdownx writes each rendered preview into the (now unrendered) light DOM; the
    // copy in the shadow root is typeset, never the light DOM (whose every change is
    // copied here as HTML, where KaTeX's sizes, set through the DOM, would not survive).
    var mirror = function () {
      prose.innerHTML = preview.innerHTML;
      if (window.FolioMath) window.FolioMath.typeset(prose);
    };
    new MutationObserver(mirror).observe(preview, { childList: true, characterData: true, subtree: true });
    mirror();
  }

  function sizeLabel(bytes) {
    // In the words of the server's refusal (Django's filesizeformat).
    if (bytes < 1024) return bytes + " bytes";
    if (bytes < 1048576) return (bytes / 1024).toFixed(1) + " KB";
    return (bytes / 1048576).toFixed(1) + " MB";
  }

  function setUpEditor(container) {
    var editor = container.querySelector("textarea.markdownx-editor");
    var preview = container.querySelector(".markdownx-preview");
    if (!editor || !preview) return;
    var siteCss = editor.getAttribute("data-folio-preview-css");
    if (siteCss) setUpPreview(preview, siteCss, editor.getAttribute("data-folio-math-css"));
    var maxBytes = parseInt(editor.getAttribute("data-folio-image-max-bytes"), 10) || 0;
    var uploadUrl = editor.getAttribute("data-markdownx-upload-urls-path");

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

    function say(kind, text) {
      message.className = "editor-message editor-message--" + kind;
      message.setAttribute("role", kind === "error" ? "alert" : "status");
      message.textContent = text;
    }

    function inserted(code) {
      // At the cursor as it is now (the writer may have typed on while it uploaded).
      editor.focus();
      var start = editor.selectionStart;
      editor.setRangeText(code, start, editor.selectionEnd, "end");
      editor.setSelectionRange(start + 2, start + 2 + ALT_PLACEHOLDER.length);
      say("prompt",
        "Image added. Describe it for readers who cannot see it: type over the selected “" +
        ALT_PLACEHOLDER + "”.");
      editor.dispatchEvent(new Event("input", { bubbles: true })); // preview, word count
    }

    function upload(file) {
      var name = file.name || "The image";
      if (maxBytes && file.size > maxBytes) {
        say("error", "Image not uploaded: " + name + ": " + sizeLabel(file.size) +
          " is over the " + sizeLabel(maxBytes) + " limit. Make it smaller, then add it again.");
        return;
      }
      var token = document.querySelector("input[name=csrfmiddlewaretoken]");
      var data = new FormData();
      data.append("image", file);
      if (token) data.append("csrfmiddlewaretoken", token.value);
      say("prompt", "Uploading " + name + "…");
      fetch(uploadUrl, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-Requested-With": "XMLHttpRequest" },
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (answer) {
          if (response.ok && answer.image_code) {
            inserted(answer.image_code);
          } else {
            say("error", "Image not uploaded: " + (answer.error ||
              name + ": the server refused it (HTTP " + response.status + ")."));
          }
        });
      }).catch(function () {
        say("error", "Image not uploaded: " + name +
          " did not reach the server. Check the connection, then add it again.");
      });
    }

    function uploadAll(files) {
      Array.prototype.forEach.call(files, upload);
    }

    // Before markdownx's own listeners on the textarea (capture, on its container), so
    // markdownx never sees a file: its upload would write "Invalid response" into the
    // text on every refusal.
    ["drop", "paste"].forEach(function (type) {
      container.addEventListener(type, function (event) {
        var transfer = event.dataTransfer || event.clipboardData;
        if (event.target !== editor || !transfer || !transfer.files.length) return;
        event.preventDefault();
        event.stopPropagation();
        uploadAll(transfer.files);
      }, true);
    });

    picker.addEventListener("change", function () {
      uploadAll(picker.files);
      picker.value = "";
    });

    container.addEventListener("markdownx.update", function (event) {
      if (counter) {
        var words = countWords(String(event.detail[0] || ""));
        counter.textContent = words === 1 ? "1 word" : words + " words";
      }
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
    var containers = document.querySelectorAll(".markdownx");
    containers.forEach(setUpEditor);
    var form = containers.length ? containers[0].closest("form") : null;
    if (form) guardUnsavedChanges(form);
  });
})();
