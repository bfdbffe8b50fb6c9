// Typing pings for the collision warning, and focus for the escalate/forward/note tools.
(function () {
  "use strict";
  var PING_EVERY_MS = 3000;
  var lastPing = 0;

  function csrfToken() {
    var headers = document.body.getAttribute("hx-headers");
    try { return JSON.parse(headers)["X-CSRFToken"]; } catch (e) { return ""; }
  }

  document.addEventListener("input", function (event) {
    var tools = document.getElementById("teamwork-tools");
    if (!tools || !event.target.matches || !event.target.matches("#reply-form textarea")) return;
    var now = Date.now();
    if (now - lastPing < PING_EVERY_MS) return;
    lastPing = now;
    fetch(tools.dataset.typingUrl, {method: "POST", headers: {"X-CSRFToken": csrfToken()}, credentials: "same-origin"});
  });

  document.addEventListener("toggle", function (event) {
    var details = event.target;
    if (details.matches && details.matches(".tools details") && details.open) {
      var field = details.querySelector("textarea, select");
      if (field) field.focus();
    }
  }, true);
})();
