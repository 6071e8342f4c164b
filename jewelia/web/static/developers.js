// Developers › API reference: mounts the vendored Scalar reference on our OpenAPI document.
// Configured so the page talks to this server only: no fonts, telemetry, proxy, AI agent,
// MCP, registry or "open in client" links, and only our own x-codeSamples as code samples.
// Signed in, try-it calls to /api/v1 that carry no credential of their own get a short-lived
// read-only token for the member's business. It is minted on demand, never on a timer: when
// the member sends a first call (or presses "Use my session"), and again when a call answers
// 401 because it expired. Once the session has ended, the page stops asking. The token is
// held in memory only.
(function () {
  "use strict";

  var mount = document.getElementById("dev-reference");
  if (!mount || !window.Scalar) return;
  var API_PATH = "/api/v1/";
  var MARGIN_MS = 15 * 1000; // renew a little before the server would refuse

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

  var tokenUrl = mount.dataset.tokenUrl;
  if (!tokenUrl) {
    window.Scalar.createApiReference(mount, config);
    return;
  }

  var status = document.getElementById("try-status");
  var button = document.getElementById("try-session");
  var session = { token: null, expiresAt: 0, minted: {}, ended: false, pending: null };
  var reference = null;

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["x-csrftoken"] || "";
    } catch (e) {
      return "";
    }
  }

  function say(state, text) {
    mount.dataset.tryIt = state;
    if (status) status.textContent = text;
  }

  function end() {
    session.ended = true;
    session.token = null;
    if (button) button.disabled = true;
    say("ended", "Your session has ended: log in again to try calls with your business's data.");
  }

  // A fresh token, or null (the session has ended, or the server could not say).
  function mint() {
    if (session.ended) return Promise.resolve(null);
    if (session.pending) return session.pending;
    session.pending = fetch(tokenUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { Accept: "application/json", "x-csrftoken": csrfToken() },
    })
      .then(function (r) {
        // 401: signed out; 403: the CSRF token no longer matches (another session). Either
        // way this page's session is over.
        if (r.status === 401 || r.status === 403) {
          end();
          return null;
        }
        return r.ok ? r.json() : null;
      })
      .then(function (body) {
        var data = body && body.data;
        if (!data || !data.token) return null;
        session.token = data.token;
        session.expiresAt = Date.now() + data.expires_in * 1000 - MARGIN_MS;
        session.minted["Bearer " + data.token] = true;
        say("ready", "Calls you send below use a read-only token for " + data.business.name + ".");
        return data.token;
      })
      .catch(function () {
        return null;
      })
      .finally(function () {
        session.pending = null;
      });
    return session.pending;
  }

  function current() {
    if (session.token && Date.now() < session.expiresAt) return Promise.resolve(session.token);
    return mint();
  }

  function isApi(request) {
    var url = new URL(request.url, window.location.href);
    return url.origin === window.location.origin && url.pathname.indexOf(API_PATH) === 0;
  }

  // Ours to fill: no Authorization, an empty Bearer, or a token this page minted earlier.
  function ours(request) {
    var given = (request.headers.get("Authorization") || "").trim();
    return given === "" || given === "Bearer" || session.minted[given] === true;
  }

  function withBearer(request, token) {
    var headers = new Headers(request.headers);
    headers.set("Authorization", "Bearer " + token);
    return new Request(request, { headers: headers });
  }

  // Scalar's customFetch: used for the document and for every try-it call.
  function tryFetch(input, init) {
    var request = new Request(input, init);
    if (!isApi(request) || !ours(request) || session.ended) return fetch(request);
    var spare = request.clone(); // for one retry after a 401
    return current().then(function (token) {
      if (!token) return fetch(request);
      return fetch(withBearer(request, token)).then(function (response) {
        if (response.status !== 401) return response;
        session.token = null; // expired or revoked: ask once more, then try again
        return mint().then(function (fresh) {
          return fresh ? fetch(withBearer(spare, fresh)) : response;
        });
      });
    });
  }

  function withToken(token) {
    var next = Object.assign({}, config, { customFetch: tryFetch });
    if (token) {
      next.authentication = {
        preferredSecurityScheme: "bearer",
        securitySchemes: { bearer: { token: token } },
      };
    }
    return next;
  }

  say("idle", status ? status.textContent : "");
  reference = window.Scalar.createApiReference(mount, withToken(null));
  if (button) {
    button.addEventListener("click", function () {
      mint().then(function (token) {
        if (token) reference.updateConfiguration(withToken(token));
      });
    });
  }
})();
