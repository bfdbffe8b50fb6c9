// Small progressive enhancements; every page works without them.
(function () {
  "use strict";

  function updateCounter(textarea) {
    var counter = document.querySelector('[data-counter-for="' + textarea.id + '"]');
    if (!counter) return;
    var max = parseInt(textarea.dataset.maxLength, 10);
    var left = max - Array.from(textarea.value).length;
    counter.textContent = left;
    counter.classList.toggle("over", left < 0);
    counter.title = left < 0 ? counter.dataset.overText || "" : "";
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("textarea[data-max-length]")) updateCounter(event.target);
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("textarea[data-max-length]").forEach(updateCounter);
  });
})();
