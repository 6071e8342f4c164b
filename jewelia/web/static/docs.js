// Boots Swagger UI (vendored) on the API reference page; no inline script, so CSP stays strict.
window.addEventListener("DOMContentLoaded", function () {
  window.SwaggerUIBundle({
    url: "/api/v1/openapi.json",
    dom_id: "#swagger",
    deepLinking: true,
    persistAuthorization: false,
    tryItOutEnabled: true,
  });
});
