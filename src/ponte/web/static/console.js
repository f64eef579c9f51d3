/* Ponte console: the CSRF token on every request that changes something (no inline script anywhere: the
   Content-Security-Policy allows scripts from this origin only). */
(function () {
  "use strict";
  function token() {
    var holder = document.getElementById("ponte-csrf");
    return holder ? holder.getAttribute("data-csrf-token") || "" : "";
  }
  // forms posted without htmx carry the token as a hidden field; add it to any form that lacks it
  function arm(root) {
    var forms = (root || document).querySelectorAll("form");
    for (var i = 0; i < forms.length; i++) {
      var form = forms[i];
      if ((form.getAttribute("method") || "get").toLowerCase() !== "post") continue;
      if (form.querySelector("input[name='csrf_token']")) continue;
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = "csrf_token";
      input.value = token();
      form.insertBefore(input, form.firstChild);
    }
  }
  document.addEventListener("DOMContentLoaded", function () { arm(document); });
  document.addEventListener("htmx:load", function (event) { arm(event.target); });
  // htmx requests (boosted forms and links, hx-post...) carry it as a header
  document.addEventListener("htmx:configRequest", function (event) {
    var verb = (event.detail.verb || "get").toLowerCase();
    if (verb !== "get") event.detail.headers["X-CSRF-Token"] = token();
  });
})();
