// Integrations › Flow builder: drag step cards to reorder (SortableJS; the new order is saved
// at once), show only the trigger fields of the chosen trigger type, insert picked fields into
// the field last focused, and keep the keyboard's place after a move. Everything here also
// works without script: the up/down buttons, plain fields, and a full-page save.
(function () {
  "use strict";
  var lastClicked = null;

  function submitReorder() {
    // a click (not requestSubmit): htmx learns the submitter (intent=reorder) from the click
    var button = document.getElementById("reorder-submit");
    if (button) button.click();
  }

  function sortable(root) {
    var list = root.querySelector ? root.querySelector("#steps") : null;
    if (!list && root.id === "steps") list = root;
    if (!list || !window.Sortable || list.dataset.sortable || list.closest("fieldset[disabled]")) return;
    list.dataset.sortable = "1";
    window.Sortable.create(list, {
      handle: ".drag-handle",
      animation: 120,
      forceFallback: true,  // pointer events: works with touch and with scripted drags alike
      onEnd: function (evt) { if (evt.oldIndex !== evt.newIndex) submitReorder(); }
    });
  }

  function showTrigger(root) {
    var select = document.getElementById("trigger-type");
    if (!select) return;
    var card = document.getElementById("trigger-card");
    card.querySelectorAll(".trigger-only").forEach(function (el) {
      el.hidden = el.dataset.for !== select.value;
    });
  }

  // the new-flow form: only the chosen template's settings
  function showSettings() {
    var chosen = document.querySelector("#new-flow-form input[name=template]:checked");
    document.querySelectorAll(".template-settings").forEach(function (el) {
      el.hidden = !chosen || el.dataset.for !== chosen.value;
    });
  }

  function insertAt(field, text) {
    var start = field.selectionStart, end = field.selectionEnd;
    if (typeof start !== "number") { field.value += text; return; }
    field.value = field.value.slice(0, start) + text + field.value.slice(end);
    field.selectionStart = field.selectionEnd = start + text.length;
  }

  function restoreFocus() {
    var editor = document.getElementById("editor");
    if (!editor || !lastClicked) return;
    var wanted = editor.querySelector('button[value="' + lastClicked + '"]');
    lastClicked = null;
    if (wanted && !wanted.disabled) { wanted.focus(); return; }
    var key = editor.dataset.focus;
    var card = key && document.getElementById("step-" + key);
    var other = card && card.querySelector(".step-moves button:not([disabled])");
    if (other) other.focus();
  }

  document.addEventListener("click", function (evt) {
    var button = evt.target.closest ? evt.target.closest("button") : null;
    if (!button) return;
    if (button.name === "intent" && /^(up|down):/.test(button.value)) lastClicked = button.value;
    if (!button.classList.contains("pick")) return;
    var card = button.closest(".step-card");
    var field = card && card.__lastField;
    if (!field) field = card && card.querySelector("[data-expr]");
    if (!field) return;
    insertAt(field, field.dataset.expr === "template" ? button.dataset.template : button.dataset.jsonata);
    field.focus();
  });

  document.addEventListener("focusin", function (evt) {
    var field = evt.target;
    if (!field.dataset || !field.dataset.expr) return;
    var card = field.closest(".step-card");
    if (card) card.__lastField = field;
  });

  document.addEventListener("change", function (evt) {
    if (evt.target.id === "trigger-type") showTrigger(document);
    if (evt.target.name === "template") showSettings();
  });

  function setUp(root) { sortable(root); showTrigger(root); showSettings(); }

  document.addEventListener("DOMContentLoaded", function () {
    setUp(document);
    // Sortable's animation leaves style attributes on the cards; htmx would copy them onto the
    // swapped-in cards (attribute settling), which the page's CSP (style-src 'self') refuses.
    document.body.addEventListener("htmx:beforeSwap", function () {
      document.querySelectorAll("#steps [style], #steps[style]").forEach(function (el) {
        el.removeAttribute("style");
      });
    });
    document.body.addEventListener("htmx:afterSettle", function () {
      setUp(document);
      restoreFocus();
    });
  });
})();
