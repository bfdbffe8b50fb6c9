// Behaviour that used to sit in inline handlers (hx-on, hx-vals="js:…"), kept here so the
// Content-Security-Policy can be script-src 'self' without 'unsafe-inline' or 'unsafe-eval'.
(function () {
  "use strict";

  document.addEventListener("htmx:configRequest", function (event) {
    var detail = event.detail;
    // A request htmx made by itself (a poll, a live refresh, a fragment loading with the page) is
    // not activity: the server's idle timeout ignores it (security/middleware.py).
    var trigger = detail.triggeringEvent;
    if (!trigger || trigger.type === "load" || trigger.type === "htmx:poll:trigger") {
      detail.headers["X-Webcare-Background"] = "1";
    }
    // The case registration form sends the reply being written, and where the cursor is, so the
    // case number lands in the reply once, at the cursor.
    if (detail.elt && detail.elt.closest && detail.elt.closest("[data-send-reply-draft]")) {
      var box = document.getElementById("id_text");
      detail.parameters["reply"] = box ? box.value : "";
      detail.parameters["reply_cursor"] = box ? box.selectionStart : "";
    }
  });

  // After the case panel changed the reply (the number put in), the counter counts again.
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail && event.detail.target;
    if (!target || !target.matches || !target.matches("[data-recount-reply]")) return;
    var box = document.getElementById("id_text");
    if (box) box.dispatchEvent(new Event("input", { bubbles: true }));
  });

  // A reply that was queued empties the box and its messages.
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.target;
    if (!form || !form.matches || !form.matches("form[data-reset-on-success]")) return;
    if (event.detail.xhr.status !== 200) return;
    form.reset();
    var box = form.querySelector("textarea");
    if (box) box.dispatchEvent(new Event("input", { bubbles: true }));
    var errors = document.getElementById("reply-errors");
    if (errors) errors.innerHTML = "";
  });
})();
