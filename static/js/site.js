// Small enhancements of the reader's pages; every page works without them.
(() => {
  "use strict";
  // Lists say how long ago an article appeared, within the last day ("2 h ago"); the <time>
  // keeps the exact time, which stays visible as its title. Written here, at reading time,
  // because the server's pages and cards are cached.
  const DAY = 24 * 3600 * 1000;
  // In the page's language: the page carries its own words for it (templates/base.html).
  const words = document.body.dataset;
  const ago = (ms) => {
    const minutes = Math.floor(ms / 60000);
    if (minutes < 1) return words.justNow || "just now";
    if (minutes < 60) return (words.minutesAgo || "{n} min ago").replace("{n}", minutes);
    return (words.hoursAgo || "{n} h ago").replace("{n}", Math.floor(minutes / 60));
  };
  // Never at the cost of moving the page: where the shorter text would change the height of
  // its line (a wrapped byline on a narrow phone), the exact time stays. Read every line, then
  // write every text, then read again: two layouts for the whole page, not two per time.
  const recent = [...document.querySelectorAll("time[data-ago]")].filter((time) => {
    const age = Date.now() - Date.parse(time.getAttribute("datetime"));
    return age >= 0 && age < DAY;
  });
  const heights = recent.map((time) => time.parentElement.getBoundingClientRect().height);
  const exact = recent.map((time) => time.textContent);
  recent.forEach((time) => {
    time.textContent = ago(Date.now() - Date.parse(time.getAttribute("datetime")));
  });
  const moved = recent.map(
    (time, i) => time.parentElement.getBoundingClientRect().height !== heights[i],
  );
  recent.forEach((time, i) => {
    if (moved[i]) time.textContent = exact[i];
    else time.title = exact[i];
  });

  // Embeds wait for consent (articles/embeds.py): "Load this once" loads one here, on this
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
