// The cover's focal point (progressive enhancement: the two number fields work without it).
// A click on the picture sets both; a marker shows where crops will centre.
const startFocalPoint = () => {
  "use strict";
  const picture = document.querySelector("[data-focal-picker]");
  // The article's cover (cover_focus_x) or a library picture (focus_x).
  const across = document.querySelector("input[name$='focus_x']");
  const down = document.querySelector("input[name$='focus_y']");
  if (!picture || !across || !down) return;
  const marker = picture.parentElement.querySelector(".focal-marker");
  const show = () => {
    marker.hidden = false;
    marker.style.left = `${across.value}%`;
    marker.style.top = `${down.value}%`;
  };
  picture.addEventListener("click", (event) => {
    const box = picture.getBoundingClientRect();
    across.value = Math.round(((event.clientX - box.left) / box.width) * 100);
    down.value = Math.round(((event.clientY - box.top) / box.height) * 100);
    across.dispatchEvent(new Event("change", { bubbles: true }));
    show();
  });
  across.addEventListener("input", show);
  down.addEventListener("input", show);
  picture.title = "Click where crops should centre";
  show();
};
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", startFocalPoint);
else startFocalPoint();
