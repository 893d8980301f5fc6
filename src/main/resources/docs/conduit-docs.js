// Swagger UI on Conduit's own API description. A file, not an inline script: the page's Content-Security-Policy
// allows scripts from this origin only. No validator badge: it would call validator.swagger.io.
window.ui = SwaggerUIBundle({
  url: "/api/openapi.yml",
  dom_id: "#swagger-ui",
  deepLinking: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  plugins: [SwaggerUIBundle.plugins.DownloadUrl],
  layout: "StandaloneLayout"
});
