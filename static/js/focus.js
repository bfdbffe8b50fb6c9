// Focus after every action. An htmx swap replaces the button that was pressed: focus goes to the
// same control in the new content (data-focus-key), or else to what tells the outcome (the first
// [data-focus-fallback] in it, or the error that came back). A live refresh that nobody asked for
// leaves focus where it is. After a full page load that brought a message (a note, an escalation,
// "close and next"), focus goes to the message, so it is read out and seen.
(function () {
  "use strict";
  var pending = null; // the focus key of the control whose request is under way

  function show(element) {
    if (!element) return;
    if (!element.matches("a, button, input, select, textarea, summary, [tabindex]")) element.setAttribute("tabindex", "-1");
    element.focus({ preventScroll: false });
    element.classList.add("focus-flash");
    element.addEventListener("blur", function off() {
      element.classList.remove("focus-flash");
      element.removeEventListener("blur", off);
    });
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var active = document.activeElement;
    var source = event.detail.elt;
    // Only requests someone made: a form submitted or a control used, not the timed refresh.
    if (!source || (source.getAttribute("hx-trigger") || "").indexOf("every") !== -1) return;
    var control = active && source.contains(active) ? active : source.querySelector("[data-focus-key]");
    pending = control && control.dataset ? control.dataset.focusKey || "" : "";
    if (!pending && source.matches && source.matches("form")) pending = "form:" + (source.getAttribute("hx-post") || "");
  });

  // A timed refresh never pulls a control out from under someone's hands: while a box or select
  // inside the part it would replace has focus, or a form there is unfolded, it waits; the next
  // round brings it. A focused button is given its focus back in the new content (by its
  // data-focus-key), so the refresh goes ahead. (Reading a message or a link does not hold it up.)
  var refocus = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var source = event.detail.requestConfig && event.detail.requestConfig.elt;
    var target = event.detail.target;
    if (!source || !target || (source.getAttribute("hx-trigger") || "").indexOf("every") === -1) return;
    if (event.detail.xhr.status !== 200) return;
    var active = document.activeElement;
    var inside = active && target.contains(active);
    var busy = (inside && active.matches("select, input:not([type=hidden]), textarea, summary")) ||
      target.querySelector("details[open] select, details[open] input:not([type=hidden]), details[open] textarea");
    if (busy) {
      event.detail.shouldSwap = false;
      return;
    }
    refocus = inside && active.dataset ? active.dataset.focusKey || null : null;
  });

  document.addEventListener("htmx:afterSettle", function () {
    if (refocus === null) return;
    var again = document.querySelector('[data-focus-key="' + refocus + '"]');
    refocus = null;
    if (again) again.focus({ preventScroll: true });
    else if (document.activeElement === document.body) show(document.querySelector("[data-focus-fallback]"));
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    if (pending === null) return;
    var key = pending;
    pending = null;
    var active = document.activeElement;
    if (active && active !== document.body && document.contains(active)) return; // still somewhere sensible
    var target = event.detail.target || document.body;
    var scope = document.contains(target) ? target : document;
    var again = key && key.indexOf("form:") !== 0 ? document.querySelector('[data-focus-key="' + key + '"]') : null;
    var alert = scope.querySelector('[role="alert"]') || document.querySelector('#flash [role="alert"]');
    show(again || alert || scope.querySelector("[data-focus-fallback]") || document.querySelector("[data-focus-fallback]") || document.getElementById("main"));
  });

  document.addEventListener("DOMContentLoaded", function () {
    var message = document.querySelector("#flash .flash");
    if (message && !document.querySelector("[autofocus]")) show(message);
  });
})();
