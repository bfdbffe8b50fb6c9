// Canned answers: search while typing ("/" at the start of the reply box searches too), click to use.
(function () {
  "use strict";

  function search(query) {
    var input = document.getElementById("canned-q");
    if (!input || input.value === query) return;
    input.value = query;
    input.dispatchEvent(new Event("input", { bubbles: true }));
  }

  document.addEventListener("input", function (event) {
    if (event.target.id === "id_text" && event.target.value.charAt(0) === "/") {
      search(event.target.value.slice(1));
    }
  });

  document.addEventListener("click", function (event) {
    var pick = event.target.closest && event.target.closest(".canned-pick");
    if (!pick) return;
    var box = document.getElementById("id_text");
    if (!box) return;
    var text = pick.dataset.cannedText;
    if (box.value.charAt(0) === "/" || !box.value.trim()) {
      box.value = text;
    } else {
      var start = box.selectionStart, end = box.selectionEnd;
      box.value = box.value.slice(0, start) + text + box.value.slice(end);
    }
    box.dispatchEvent(new Event("input", { bubbles: true }));
    box.focus();
    document.getElementById("canned-results").innerHTML = "";
  });
})();
