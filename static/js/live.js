// Live coverage: the page asks every few seconds for the updates newer than its newest (one
// small address, the same for every reader, answered by the edge between two updates) and
// shows them without moving what the reader is reading: at once when the list's top is on
// screen, else behind a "N new updates" button. Screen readers hear how many arrived.
(function () {
  "use strict";
  var section = document.querySelector("[data-live]");
  if (!section || !window.fetch || !window.DOMParser) return;
  var list = section.querySelector("[data-live-list]");
  var button = section.querySelector("[data-live-show]");
  var status = section.querySelector("[data-live-status]");
  var newest = section.getAttribute("data-newest");
  var url = section.getAttribute("data-new-url");
  var every = Number(section.getAttribute("data-live-seconds") || 5) * 1000;
  var waiting = []; // arrived, not shown yet: newest first
  var timer = null;
  section.querySelector("[data-live-newer]").hidden = true; // the link is for readers without JavaScript

  function label(n) {
    return n === 1 ? section.getAttribute("data-one-new")
      : section.getAttribute("data-many-new").replace("{n}", n);
  }

  function readingAbove() {
    // The list's first update is on screen or below it: nothing the reader reads moves.
    return list.getBoundingClientRect().top >= 0;
  }

  function show(focus) {
    var empty = list.querySelector(".live-none");
    if (empty) empty.remove();
    for (var i = waiting.length - 1; i >= 0; i--) list.insertBefore(waiting[i], list.firstChild);
    var first = waiting[0];
    waiting = [];
    button.hidden = true;
    if (focus && first) first.focus();
  }

  function arrived(items) {
    waiting = items.concat(waiting);
    status.textContent = label(items.length);
    if (readingAbove()) {
      show(false);
    } else {
      button.textContent = label(waiting.length);
      button.hidden = false;
    }
  }

  function ended() {
    var title = section.querySelector("[data-live-title]");
    title.textContent = section.getAttribute("data-ended");
    status.textContent = section.getAttribute("data-ended");
  }

  function poll() {
    timer = null;
    if (document.hidden) return; // asked again when the page is seen (visibilitychange)
    fetch(url + "?after=" + encodeURIComponent(newest), { credentials: "omit" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) return schedule();
        var found = new DOMParser().parseFromString(html, "text/html").querySelector("ol[data-newest]");
        if (!found) return schedule();
        var items = Array.prototype.slice.call(found.children);
        newest = found.getAttribute("data-newest");
        if (found.getAttribute("data-complete") !== "1") {
          window.location.reload(); // asleep for long: the page as it is now
          return;
        }
        if (items.length) arrived(items.map(function (item) { return document.importNode(item, true); }));
        if (found.getAttribute("data-running") === "1") schedule(); else ended();
      })
      .catch(schedule);
  }

  function schedule() {
    if (timer === null) timer = window.setTimeout(poll, every);
  }

  button.addEventListener("click", function () {
    show(true);
  });
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && timer === null) poll();
  });
  schedule();
})();
