// The viewer for citizens' photos and videos in a thread: a thumbnail opens the file in a dialog
// (keyboard: Enter on the thumbnail, Escape or the button to close), focus returns to the thumbnail.
// Without JavaScript the thumbnail is a plain link to the file.
(function () {
  "use strict";
  var opener = null;

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-viewer]");
    var viewer = document.getElementById("media-viewer");
    if (!link || !viewer || typeof viewer.showModal !== "function") return;
    event.preventDefault();
    opener = link;
    var body = document.getElementById("media-viewer-body");
    body.textContent = "";
    var element;
    if (link.dataset.kind === "video") {
      element = document.createElement("video");
      element.controls = true;
      element.preload = "metadata";
      element.setAttribute("aria-label", link.dataset.alt || "");
    } else {
      element = document.createElement("img");
      element.alt = link.dataset.alt || "";
    }
    element.src = link.href;
    body.appendChild(element);
    document.getElementById("media-viewer-caption").textContent = link.dataset.alt || "";
    document.getElementById("media-viewer-open").href = link.href;
    viewer.showModal();
    document.getElementById("media-viewer-close").focus();
  });

  document.addEventListener("close", function (event) {
    if (!event.target || event.target.id !== "media-viewer") return;
    var body = document.getElementById("media-viewer-body");
    if (body) body.textContent = ""; // stops a video that was playing
    if (opener && document.contains(opener)) opener.focus();
    opener = null;
  }, true);
})();
