// The top bar's menu on narrow screens: collapsed behind a "Menu" button, opened and closed by it
// (Escape closes it and gives focus back to the button). Without JavaScript the menu stays open.
(function () {
  "use strict";
  var NARROW = window.matchMedia("(max-width: 760px)");

  function parts() {
    var bar = document.getElementById("topbar");
    var toggle = bar && bar.querySelector(".menu-toggle");
    var menu = document.getElementById("site-menu");
    return toggle && menu ? { bar: bar, toggle: toggle, menu: menu } : null;
  }

  function setOpen(p, open) {
    p.toggle.setAttribute("aria-expanded", open ? "true" : "false");
    p.bar.classList.toggle("menu-closed", !open);
  }

  function fit() {
    var p = parts();
    if (!p) return;
    p.toggle.hidden = !NARROW.matches;
    setOpen(p, !NARROW.matches);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var p = parts();
    if (!p) return;
    fit();
    NARROW.addEventListener("change", fit);
    p.toggle.addEventListener("click", function () {
      setOpen(p, p.toggle.getAttribute("aria-expanded") !== "true");
    });
    p.menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && NARROW.matches) {
        setOpen(p, false);
        p.toggle.focus();
      }
    });
  });
})();
