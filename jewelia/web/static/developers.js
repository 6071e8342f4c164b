// Developers › API reference: mounts the vendored Scalar reference on our OpenAPI document.
// Configured so the page talks to this server only: no fonts, telemetry, proxy, AI agent,
// MCP, registry or "open in client" links, and only our own x-codeSamples as code samples.
// A signed-in member's page asks for a short-lived read-only token (POST, session + CSRF)
// and hands it to Scalar's authentication at run time; it is held in memory, never stored.
(function () {
  "use strict";

  var mount = document.getElementById("dev-reference");
  if (!mount || !window.Scalar) return;
  var REFRESH_MS = 4 * 60 * 1000; // tokens live five minutes

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["x-csrftoken"] || "";
    } catch (e) {
      return "";
    }
  }

  var config = {
    url: mount.dataset.document,
    layout: "modern",
    theme: "default",
    withDefaultFonts: false,
    telemetry: false,
    hideClientButton: true,
    hiddenClients: true,
    documentDownloadType: "none",
    showDeveloperTools: "never",
    hideDarkModeToggle: true,
    forceDarkModeState: "light",
    persistAuth: false,
    agent: { disabled: true },
    mcp: { disabled: true },
    externalUrls: { dashboardUrl: "", registryUrl: "", proxyUrl: "", apiBaseUrl: "" },
    defaultOpenFirstTag: true,
    operationTitleSource: "summary",
  };

  function withToken(token) {
    var next = Object.assign({}, config);
    if (token) {
      next.authentication = {
        preferredSecurityScheme: "bearer",
        securitySchemes: { bearer: { token: token } },
      };
    }
    return next;
  }

  function fetchToken() {
    return fetch(mount.dataset.tokenUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { Accept: "application/json", "x-csrftoken": csrfToken() },
    })
      .then(function (r) {
        return r.ok ? r.json() : null;
      })
      .then(function (body) {
        return body && body.data ? body.data.token : null;
      })
      .catch(function () {
        return null;
      });
  }

  if (!mount.dataset.tokenUrl) {
    window.Scalar.createApiReference(mount, config);
    return;
  }
  fetchToken().then(function (token) {
    mount.dataset.tryIt = token ? "ready" : "unavailable";
    var reference = window.Scalar.createApiReference(mount, withToken(token));
    if (!token) return;
    var timer = window.setInterval(function () {
      fetchToken().then(function (fresh) {
        if (fresh) reference.updateConfiguration(withToken(fresh));
        else window.clearInterval(timer); // signed out meanwhile: stop asking
      });
    }, REFRESH_MS);
  });
})();
