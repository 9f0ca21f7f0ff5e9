// Autosave of the article form (progressive enhancement: the form works without it). While an
// editor types, the form is sent every few seconds to <article>/autosave/, which keeps one copy
// per editor: never a revision. After a crash, the change form offers to restore it.
const startAutosave = () => {
  "use strict";
  const form = document.getElementById("article_form");
  const match = location.pathname.match(/\/(\d+)\/change\/$/);
  if (!form || !match || !window.fetch) return;
  const url = location.pathname.replace(/change\/$/, "autosave/");
  const status = document.querySelector("[data-autosave-status]");
  let dirty = false;
  let sending = false;

  form.addEventListener("input", () => { dirty = true; });
  form.addEventListener("change", () => { dirty = true; });
  form.addEventListener("submit", () => { dirty = false; });

  const send = async () => {
    if (!dirty || sending) return;
    sending = true;
    dirty = false;
    const data = new FormData(form);
    for (const [name, value] of [...data.entries()]) {
      if (value instanceof File) data.delete(name); // never the cover file
    }
    try {
      const response = await fetch(url, { method: "POST", body: data, credentials: "same-origin" });
      if (!response.ok) throw new Error(String(response.status));
      const time = new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
      if (status) status.textContent = `Draft copy kept at ${time} (not saved yet).`;
    } catch {
      dirty = true;
      if (status) status.textContent = "Could not keep a draft copy just now.";
    } finally {
      sending = false;
    }
  };
  setInterval(send, 5000);
};

// Leaving the form (a link, closing the tab, reloading) with changes not saved asks first; saving
// does not. The autosave copy above is the net for a crash, this the one for a slip.
const warnBeforeLeaving = () => {
  "use strict";
  const form = document.getElementById("article_form");
  if (!form) return;
  let unsaved = false;
  const changed = (event) => { if (event.isTrusted || event.target.closest(".prose-editor")) unsaved = true; };
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", () => { unsaved = false; });
  // The topic and author boxes (select2) tell jQuery, not the DOM, when a choice is made.
  window.django?.jQuery?.(form).on("select2:select select2:unselect", () => { unsaved = true; });
  window.addEventListener("beforeunload", (event) => {
    if (!unsaved) return;
    event.preventDefault();
    event.returnValue = ""; // older browsers need it set to ask
  });
};

const startArticleForm = () => { startAutosave(); warnBeforeLeaving(); };
// The admin loads this in the head, before the form exists.
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", startArticleForm);
else startArticleForm();
