// Keyboard shortcuts for the queue and a conversation: by default j/k move, Enter opens, c claims,
// r replies, e escalates, x closes (each clicks whatever carries its data-shortcut), ? shows the help.
// Each person can turn them off or choose other keys (/settings/); the page carries their choice in
// #shortcut-config (templates/triage/_shortcuts.html). Off means no single key does anything.
(function () {
  "use strict";

  var current = null; // the selected item's key, kept across the queue's live refreshes
  var DEFAULTS = { next: "j", previous: "k", claim: "c", reply: "r", escalate: "e", close: "x", help: "?" };

  function config() {
    var element = document.getElementById("shortcut-config");
    if (!element) return { enabled: false, byKey: {} };
    var keys = Object.assign({}, DEFAULTS);
    new URLSearchParams(element.dataset.keys || "").forEach(function (key, action) {
      if (key) keys[action] = key;
    });
    var byKey = {};
    Object.keys(keys).forEach(function (action) { byKey[keys[action]] = action; });
    return { enabled: element.dataset.enabled === "1", byKey: byKey };
  }

  function isTyping(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }
  function queueRows() {
    return Array.from(document.querySelectorAll("table.queue tbody tr[data-conversation]"));
  }
  function items() {
    var rows = queueRows();
    return rows.length ? rows : Array.from(document.querySelectorAll("ol.thread li.msg[data-message]"));
  }
  function keyOf(item) {
    return item.dataset.conversation || item.dataset.message;
  }
  function selected() {
    return items().find(function (item) { return keyOf(item) === current; }) || null;
  }
  function mark() {
    items().forEach(function (item) {
      var on = keyOf(item) === current;
      item.classList.toggle("kb-current", on);
      if (on) item.setAttribute("aria-current", "true"); else item.removeAttribute("aria-current");
    });
  }
  function move(step) {
    var list = items();
    if (!list.length) return;
    var index = list.findIndex(function (item) { return keyOf(item) === current; });
    index = index < 0 ? (step > 0 ? 0 : list.length - 1) : Math.min(list.length - 1, Math.max(0, index + step));
    current = keyOf(list[index]);
    mark();
    list[index].scrollIntoView({ block: "nearest" });
  }
  function rowLink(row) {
    return row ? row.querySelector("td.preview a") : null;
  }
  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (e) { return ""; }
  }
  function clickFirst(selector) {
    var element = document.querySelector(selector);
    if (element) element.click();
    return !!element;
  }
  function claim() {
    var link = rowLink(queueRows().length ? selected() : null);
    if (link) {
      // Claim from the queue, then open the conversation.
      fetch(link.href + "claim/", {
        method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": csrfToken() },
      }).then(function () { window.location.href = link.href; });
      return;
    }
    clickFirst('[data-shortcut="claim"], form[action$="/claim/"] button');
  }
  function toggleHelp() {
    var help = document.getElementById("shortcut-help");
    if (!help) return;
    if (help.open) help.close(); else help.showModal();
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    if (isTyping(event.target)) return;
    var settings = config();
    if (!settings.enabled) return;
    var action = event.key === "Enter" ? "open" : settings.byKey[event.key];
    if (!action) return;
    var help = document.getElementById("shortcut-help");
    if (help && help.open && action !== "help") return;
    switch (action) {
      case "next": move(1); break;
      case "previous": move(-1); break;
      case "open": {
        if (event.target.closest && event.target.closest("a, button")) return; // their own Enter
        var link = rowLink(selected());
        if (!link) return;
        window.location.href = link.href;
        break;
      }
      case "claim": claim(); break;
      case "reply": {
        var box = document.getElementById("id_text");
        if (!box) return;
        box.focus();
        break;
      }
      case "escalate": if (!clickFirst('[data-shortcut="escalate"]')) return; break;
      case "close": if (!clickFirst('[data-shortcut="close"]')) return; break;
      case "help": toggleHelp(); break;
      default: return;
    }
    event.preventDefault();
  });
  document.addEventListener("htmx:afterSettle", mark);
})();
