// Small enhancements of the reader's pages; every page works without them.
(() => {
  "use strict";
  // Lists say how long ago their articles appeared ("2 h ago") when every one of them appeared
  // within the last day; otherwise every one keeps the day the server wrote ("27 Nov 2026"):
  // one format per list. The <time> keeps the exact time as its title. Written here, at reading
  // time, because the server's pages and cards are cached.
  const DAY = 24 * 3600 * 1000;
  // In the page's language: the page carries its own words for it (templates/base.html).
  const words = document.body.dataset;
  const ago = (ms) => {
    const minutes = Math.floor(ms / 60000);
    if (minutes < 1) return words.justNow || "just now";
    if (minutes < 60) return (words.minutesAgo || "{n} min ago").replace("{n}", minutes);
    return (words.hoursAgo || "{n} h ago").replace("{n}", Math.floor(minutes / 60));
  };
  const age = (time) => Date.now() - Date.parse(time.getAttribute("datetime"));
  const lists = new Map();
  for (const time of document.querySelectorAll("time[data-ago]")) {
    const list = time.closest("section, ol, ul, main") || document.body;
    lists.set(list, [...(lists.get(list) || []), time]);
  }
  // Never at the cost of moving the page: where a shorter text would change the height of its
  // line, the whole list keeps its days. Read every line, then write, then read again.
  const recent = [...lists.values()].filter((times) => times.every((t) => age(t) >= 0 && age(t) < DAY));
  const heights = recent.map((times) => times.map((t) => t.parentElement.getBoundingClientRect().height));
  const days = recent.map((times) => times.map((t) => t.textContent));
  recent.forEach((times) => times.forEach((t) => { t.textContent = ago(age(t)); }));
  recent.forEach((times, i) => {
    const moved = times.some((t, j) => t.parentElement.getBoundingClientRect().height !== heights[i][j]);
    if (moved) times.forEach((t, j) => { t.textContent = days[i][j]; });
  });

  // Embeds wait for consent (articles/media/embeds.py): "Load this once" loads one here, on this
  // page only; allowing the category (the placeholder's form, the banner, the cookie page)
  // loads them all at once, without a reload.
  const load = (figure) => {
    const frame = document.createElement("iframe");
    frame.src = figure.dataset.embedFrame;
    frame.title = figure.dataset.embedTitle;
    frame.allowFullscreen = true;
    frame.referrerPolicy = "strict-origin-when-cross-origin";
    const box = figure.querySelector(".embed-placeholder");
    // The frame takes the placeholder's place at the placeholder's size: nothing below moves
    // (CSS keeps the two alike; a long translation can make the placeholder the taller).
    box.style.minHeight = `${box.getBoundingClientRect().height}px`;
    box.replaceChildren(frame);
    box.classList.remove("embed-placeholder");
    delete figure.dataset.embedFrame;
    return frame;
  };
  for (const button of document.querySelectorAll("[data-embed-load]")) {
    button.hidden = false;
    button.addEventListener("click", () => load(button.closest("[data-embed-frame]")).focus());
  }
  document.addEventListener("consent:changed", (event) => {
    for (const figure of document.querySelectorAll("[data-embed-frame]")) {
      if (event.detail.granted.includes(figure.dataset.embedCategory)) load(figure);
    }
  });

  // One more read of this article for the "most read" list: a counter, sent without cookies
  // (a beacon from the page, so readers served from a cache count too).
  const read = document.querySelector("[data-read]");
  if (read && navigator.sendBeacon) navigator.sendBeacon(read.dataset.read);
})();
