// The queue's live refresh, in place: rows that changed are updated where they are, new rows are
// put in their place in queue order and marked, rows that left are taken out, so focus, a selection
// and the scroll position stay. New rows are announced ("3 nieuwe gesprekken") in an aria-live
// region, and the tab's title starts with the count of what is to do in this view. Without this
// file htmx replaces the whole list (hx-swap="outerHTML"), which works as well, less kindly.
(function () {
  "use strict";
  var baseTitle = document.title;

  function title(live) {
    var todo = live && live.dataset.todo;
    document.title = todo && todo !== "0" ? "(" + todo + ") " + baseTitle : baseTitle;
  }

  function announce(added) {
    var region = document.getElementById("queue-announce");
    if (!region || !added) return;
    var text = added === 1 ? region.dataset.one : region.dataset.many.replace("{n}", added);
    // Emptied first, so the same number said twice in a row is read out again.
    region.textContent = "";
    window.setTimeout(function () { region.textContent = text; }, 50);
  }

  // The poll asks with the version of what it shows (204 if nothing changed) and how many rows
  // are shown ("load more" added some), so the refresh keeps them all.
  document.addEventListener("htmx:configRequest", function (event) {
    var elt = event.detail.elt;
    if (!elt || elt.id !== "queue-live") return;
    event.detail.parameters["v"] = elt.dataset.version || "";
    event.detail.parameters["shown"] = elt.querySelectorAll("tr[data-conversation]").length;
  });

  function sameRow(a, b) {
    return a.className.replace(/\s*is-new/, "") === b.className && a.innerHTML === b.innerHTML;
  }

  // Put `fresh`'s rows into `body` in fresh's order, moving only what moved.
  function mergeRows(body, fresh) {
    var existing = {};
    body.querySelectorAll("tr[data-conversation]").forEach(function (row) {
      existing[row.dataset.conversation] = row;
    });
    var active = document.activeElement;
    var added = 0;
    var wanted = Array.prototype.map.call(fresh.children, function (row) {
      var id = row.dataset.conversation;
      var old = id && existing[id];
      if (!old) {
        var node = document.importNode(row, true);
        if (id) { node.classList.add("is-new"); added++; }
        return node;
      }
      delete existing[id];
      if (!sameRow(old, row)) {
        var hadFocus = old.contains(active);
        var wasNew = old.classList.contains("is-new");
        old.className = row.className;
        if (wasNew) old.classList.add("is-new");
        old.innerHTML = row.innerHTML;
        if (hadFocus) { var link = old.querySelector("a"); if (link) link.focus({ preventScroll: true }); }
      }
      return old;
    });
    Object.keys(existing).forEach(function (id) { existing[id].remove(); });
    var more = body.querySelector("#queue-more");
    if (more) more.remove();
    var ref = body.firstElementChild;
    wanted.forEach(function (node) {
      if (node === ref) { ref = ref.nextElementSibling; return; }
      body.insertBefore(node, ref);
    });
    return added;
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (!target || target.id !== "queue-live" || event.detail.xhr.status !== 200) return;
    var fresh = new DOMParser().parseFromString(event.detail.serverResponse, "text/html").getElementById("queue-live");
    var body = target.querySelector("table.queue tbody");
    var freshBody = fresh && fresh.querySelector("table.queue tbody");
    if (!body || !freshBody) {
      // From or to an empty list: the whole part is replaced (nothing in it to keep).
      title(fresh);
      return;
    }
    event.detail.shouldSwap = false;
    target.dataset.version = fresh.dataset.version;
    target.dataset.todo = fresh.dataset.todo;
    var counts = target.querySelector(".counts"), freshCounts = fresh.querySelector(".counts");
    if (counts && freshCounts && counts.innerHTML !== freshCounts.innerHTML) counts.innerHTML = freshCounts.innerHTML;
    var added = mergeRows(body, freshBody);
    htmx.process(body);
    title(target);
    announce(added);
  });

  document.addEventListener("DOMContentLoaded", function () {
    title(document.getElementById("queue-live"));
  });
})();
