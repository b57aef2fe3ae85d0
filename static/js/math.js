/* TeX math, typeset in the browser by KaTeX (static/vendor/katex; docs/editors.md).
 *
 * The markdown renderer (folio/texmath.py) leaves every formula as its TeX source in
 * <span class="math math-inline"> or <span class="math math-display">. This script
 * replaces each one's content with KaTeX's rendering. Loaded after katex.min.js, and
 * only on pages whose body has math (Post.has_math, Page.has_math).
 *
 * - KaTeX builds its output with DOM calls and sets sizes through element.style, which
 *   the Content-Security-Policy allows; nothing here needs inline script or style.
 * - trust: false (KaTeX's default, stated here so no one turns it on): \href, \url,
 *   \includegraphics and \html* commands render as errors, never as links or markup.
 * - A formula KaTeX cannot parse stays visible as its TeX, marked as an error.
 *
 * On readers' pages (<script data-folio-typeset-page>) the whole page is typeset once
 * loaded; the admin's live preview calls FolioMath.typeset(root) after each update.
 */
(function () {
  "use strict";

  var OPTIONS = {
    throwOnError: false,
    trust: false,
    strict: "ignore", // Unicode text in math (accents, Cyrillic, CJK) is welcome here.
    maxSize: 20, // em: no \rule or \scalebox larger than a screen.
    maxExpand: 1000,
    output: "htmlAndMathml", // MathML for screen readers, HTML for the eye.
  };

  function typeset(root) {
    if (!window.katex) return;
    var spans = root.querySelectorAll("span.math.math-inline, span.math.math-display");
    Array.prototype.forEach.call(spans, function (span) {
      if (span.classList.contains("math--typeset")) return;
      var tex = span.textContent;
      var options = Object.assign({}, OPTIONS, {
        displayMode: span.classList.contains("math-display"),
      });
      try {
        window.katex.render(tex, span, options);
        span.classList.add("math--typeset");
      } catch (error) {
        span.textContent = tex;
        span.classList.add("math--error");
        span.title = String(error && error.message || error);
      }
    });
  }

  window.FolioMath = { typeset: typeset };

  var script = document.currentScript;
  if (script && script.hasAttribute("data-folio-typeset-page")) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", function () { typeset(document); });
    } else {
      typeset(document);
    }
  }
})();
