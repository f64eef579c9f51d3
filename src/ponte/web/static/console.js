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
  document.addEventListener("htmx:afterSettle", function () {
    document.body.classList.remove("menu-open");
    document.querySelectorAll(".menu-toggle").forEach(function (b) { b.setAttribute("aria-expanded", "false"); });
  });
  document.addEventListener("DOMContentLoaded", setZone);
})();
