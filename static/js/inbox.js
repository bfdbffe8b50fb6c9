// Small progressive enhancements; every page works without them.
(function () {
  "use strict";

  function inRanges(ranges, code) {
    for (var i = 0; i < ranges.length; i++) {
      if (code >= ranges[i][0] && code <= ranges[i][1]) return true;
    }
    return false;
  }

  // The platform's weighted length (channels/x/counting.py, same rules, same steps).
  function weigh(text, rules) {
    var total = 0, joined = false, flagHalf = false;
    for (var ch of text) {
      var code = ch.codePointAt(0);
      if (inRanges(rules.joiners, code)) { joined = code === 0x200d; continue; }
      if (joined) { joined = false; continue; }
      if (code >= 0x1f1e6 && code <= 0x1f1ff) {
        flagHalf = !flagHalf;
        if (!flagHalf) continue;
      } else {
        flagHalf = false;
      }
      total += inRanges(rules.light, code) ? 1 : rules.weight;
    }
    return total;
  }

  function countText(text, rules) {
    if (!rules) return Array.from(text).length;
    text = text.normalize("NFC");
    var url = new RegExp(rules.urlPattern, "giu");
    var total = 0, position = 0, match;
    while ((match = url.exec(text)) !== null) {
      total += weigh(text.slice(position, match.index), rules) + rules.url;
      position = match.index + match[0].length;
    }
    return total + weigh(text.slice(position), rules);
  }
  window.webcareCount = countText;

  function updateCounter(textarea) {
    var counter = document.querySelector('[data-counter-for="' + textarea.id + '"]');
    if (!counter) return;
    var max = parseInt(textarea.dataset.maxLength, 10);
    var rules = textarea.dataset.countRules ? JSON.parse(textarea.dataset.countRules) : null;
    // The server strips surrounding whitespace before counting; so does the counter.
    var left = max - countText(textarea.value.trim(), rules);
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
