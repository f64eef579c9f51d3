// Ponte console: the phone menu, confirmations, and the viewer's time zone for the server.
(function () {
  "use strict";
  function setZone() {
    try {
      var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
      if (zone && document.body && document.body.dataset.tz !== zone) {
        document.cookie = "ponte_tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; samesite=lax";
      }
    } catch (e) { /* no Intl: the language's zone stays */ }
  }
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest ? event.target.closest(".menu-toggle") : null;
    if (toggle) {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      document.body.classList.toggle("menu-open", open);
      return;
    }
    if (event.target.closest && event.target.closest("[data-print]")) { window.print(); return; }
    var ask = event.target.closest ? event.target.closest("[data-confirm]") : null;
    if (ask && !window.confirm(ask.getAttribute("data-confirm"))) { event.preventDefault(); }
  });
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (event.detail && event.detail.boosted) { window.clearTimeout(hsTimer); }
  });
  document.addEventListener("htmx:afterSettle", function () {
    document.body.classList.remove("menu-open");
    document.querySelectorAll(".menu-toggle").forEach(function (b) { b.setAttribute("aria-expanded", "false"); });
  });
  // HS suggestions as the seller types a title (the classifier's explained fragment, through htmx)
  var hsTimer = null;
  document.addEventListener("input", function (event) {
    var field = event.target;
    if (!field.matches || !field.matches("[data-hs-title]") || !window.htmx) { return; }
    window.clearTimeout(hsTimer);
    hsTimer = window.setTimeout(function () {
      if (!document.body.contains(field) || !document.getElementById("hs-suggestions")) { return; }
      var url = "/catalogue/hs-suggestions?title_lang=" + encodeURIComponent(field.dataset.hsTitle) +
        "&title=" + encodeURIComponent(field.value);
      window.htmx.ajax("GET", url, { target: "#hs-suggestions", swap: "innerHTML" });
    }, 400);
  });
  document.addEventListener("click", function (event) {
    var pick = event.target.closest ? event.target.closest("[data-hs-code]") : null;
    var input = document.getElementById("hs_code");
    if (pick && input) { input.value = pick.dataset.hsCode; input.focus(); }
  });
  document.addEventListener("DOMContentLoaded", setZone);
})();

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
