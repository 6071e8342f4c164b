// Developers › Webhooks: keeps the deliveries table current without reloading the page.
// Rows arrive over server-sent events (htmx's sse extension, `event: delivery`) and as the
// answers to "Send test event" and "Replay". A delivery already listed is replaced in place
// (unless the news is older than what is shown; an open one is re-opened with fresh attempts);
// a new one goes on top of the first page when it fits the status filter.
(function () {
  "use strict";

  function groupsIn(html) {
    var tpl = document.createElement("template");
    tpl.innerHTML = html;
    return Array.prototype.slice.call(tpl.content.querySelectorAll("tbody[data-delivery]"));
  }

  function fits(table, group) {
    if (table.dataset.page !== "1") return false;
    var wanted = table.dataset.status;
    return !wanted || wanted === group.dataset.status;
  }

  function announce(group) {
    var note = document.getElementById("live-note");
    if (!note) return;
    var event = group.querySelector("code");
    note.textContent = (event ? event.textContent + " " : "") + group.dataset.status;
  }

  function counted(more) {
    var count = document.getElementById("deliveries-count");
    if (!count) return;
    var total = Number(count.dataset.total || 0) + more;
    count.dataset.total = String(total);
    count.textContent = total + (total === 1 ? " delivery" : " deliveries");
  }

  function upsert(table, html) {
    if (!table) return;
    groupsIn(html).forEach(function (group) {
      var current = document.getElementById(group.id);
      if (current) {
        if (Number(group.dataset.attempts) < Number(current.dataset.attempts)) return;
        if (current.dataset.expanded === "true" && group.dataset.expanded !== "true") {
          htmx.ajax("GET", current.dataset.detailUrl, { target: current, swap: "outerHTML" });
          announce(group);
          return;
        }
        current.replaceWith(group);
      } else {
        if (!fits(table, group)) return;
        var empty = table.querySelector("tbody.empty");
        if (empty) empty.remove();
        var first = table.querySelector("tbody");
        if (first) table.insertBefore(group, first); else table.appendChild(group);
        counted(1);
        var listed = table.querySelectorAll("tbody[data-delivery]");
        var limit = Number(table.dataset.limit || 0);
        for (var i = limit; limit > 0 && i < listed.length; i++) listed[i].remove();
      }
      htmx.process(group);
      announce(group);
    });
  }

  // A small "live" mark beside the table heading shows whether the stream is connected.
  function liveState(state, text) {
    var mark = document.getElementById("live-state");
    if (!mark) return;
    mark.dataset.liveState = state;
    mark.textContent = text;
    mark.hidden = false;
  }
  document.addEventListener("htmx:sseOpen", function () { liveState("open", "live"); });
  document.addEventListener("htmx:sseError", function () { liveState("retrying", "reconnecting…"); });

  // Pushed rows: put them in place ourselves instead of the extension's plain swap.
  document.addEventListener("htmx:sseBeforeMessage", function (evt) {
    var table = evt.target;
    if (!table.matches || !table.matches("[data-live-deliveries]")) return;
    evt.preventDefault();
    upsert(table, evt.detail.data);
  });

  // "Send test event" and "Replay" answer with the delivery's row (hx-swap="none").
  document.addEventListener("htmx:afterRequest", function (evt) {
    var source = evt.detail.elt;
    if (!evt.detail.successful || !source.closest || !source.closest("[data-upsert]")) return;
    var box = document.getElementById("live-error");
    if (box) box.hidden = true;
    upsert(document.getElementById("deliveries-table"), evt.detail.xhr.responseText);
  });

  // A refused request (a read-only role, a disabled endpoint …) says why instead of nothing.
  document.addEventListener("htmx:responseError", function (evt) {
    var box = document.getElementById("live-error");
    if (!box) return;
    var message = "The request failed (HTTP " + evt.detail.xhr.status + ").";
    try {
      var body = JSON.parse(evt.detail.xhr.responseText);
      if (body && body.error) message = body.error;
    } catch (e) {
      // An HTML answer (a page action over the rate limit) carries its message as text.
      var doc = new DOMParser().parseFromString(evt.detail.xhr.responseText || "", "text/html");
      var text = (doc.body && doc.body.textContent || "").trim();
      if (text && text.length <= 400) message = text;
    }
    box.textContent = message;
    box.hidden = false;
  });
})();
