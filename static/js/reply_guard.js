// The stale-reply guard: the reply box remembers the newest message the agent had seen when they
// began typing. A citizen's message that arrives after that is highlighted in the thread, and the
// reply then needs one explicit "send anyway" (the server refuses it otherwise, text kept).
(function () {
  "use strict";

  function newestId(selector) {
    var newest = 0;
    document.querySelectorAll(selector).forEach(function (li) {
      newest = Math.max(newest, parseInt(li.dataset.message, 10) || 0);
    });
    return newest;
  }

  function update() {
    var form = document.getElementById("reply-form");
    if (!form) return;
    var seen = form.querySelector('input[name="last_seen"]');
    var box = form.querySelector("textarea");
    var confirm = document.getElementById("reply-newer");
    if (!seen || !box || !confirm) return;
    if (!box.value.trim()) {
      // Not writing yet: what arrives now is simply read before the agent starts.
      seen.value = String(Math.max(parseInt(seen.value, 10) || 0, newestId(".thread .msg[data-message]")));
    }
    var since = parseInt(seen.value, 10) || 0;
    var fresh = 0;
    document.querySelectorAll(".thread .msg.in[data-message]").forEach(function (li) {
      if ((parseInt(li.dataset.message, 10) || 0) <= since) return;
      fresh += 1;
      li.classList.add("new-since-typing");
      if (!li.querySelector(".new-since-typing-label")) {
        var label = document.createElement("p");
        label.className = "new-since-typing-label";
        label.textContent = form.dataset.newSinceTyping;
        li.insertBefore(label, li.firstChild);
      }
    });
    if (fresh) confirm.hidden = false;
  }

  document.addEventListener("htmx:afterSettle", update);
  document.addEventListener("DOMContentLoaded", update);
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.target;
    if (!form || form.id !== "reply-form") return;
    var status = event.detail.xhr.status;
    if (status === 409) document.getElementById("reply-newer").hidden = false;
    if (status === 200) {
      // Sent: the next reply starts from what is on screen now.
      document.getElementById("reply-newer").hidden = true;
      form.querySelector('input[name="last_seen"]').value = String(newestId(".thread .msg[data-message]"));
      document.querySelectorAll(".new-since-typing").forEach(function (li) { li.classList.remove("new-since-typing"); });
      document.querySelectorAll(".new-since-typing-label").forEach(function (p) { p.remove(); });
    }
  });
})();
