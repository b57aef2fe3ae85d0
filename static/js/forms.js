/* Contact forms on landing pages (pages/contact.py).
   The page is cached for everyone, so it carries no CSRF token: each form asks for
   one (and the cookie that goes with it) when the page opens. Without this script
   the form still works: the first send comes back, filled in, with a token. */
(function () {
  "use strict";
  var forms = document.querySelectorAll("form[data-token-url]");
  if (!forms.length) return;
  var empty = [];
  forms.forEach(function (form) {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    if (input && !input.value) empty.push(input);
  });
  if (!empty.length) return;
  fetch(forms[0].getAttribute("data-token-url"), { credentials: "same-origin", cache: "no-store" })
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(function (data) {
      if (!data || !data.token) return;
      empty.forEach(function (input) { input.value = data.token; });
    })
    .catch(function () { /* the send itself will ask again */ });
})();
