/* Ponte API docs: Swagger UI served from this origin (no CDN, no inline script; the page's CSP allows
   scripts from 'self' only). The OpenAPI document's address is on the #swagger-ui element. */
window.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.getAttribute("data-openapi"),
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
});
