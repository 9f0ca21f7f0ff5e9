// Share links without leaving the page (progressive enhancement: the forms post and reload
// without it). Making or revoking a link never throws away the article's unsaved edits.
const startShareLinks = () => {
  "use strict";
  if (!window.fetch) return;
  const enhance = (panel) => {
    for (const button of panel.querySelectorAll("[data-copy]")) {
      button.hidden = !navigator.clipboard;
      button.addEventListener("click", async () => {
        await navigator.clipboard.writeText(button.previousElementSibling.value);
        button.textContent = "Copied";
      });
    }
    for (const form of panel.querySelectorAll("[data-share-form]")) {
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        const response = await fetch(form.action, {
          method: "POST", body: new FormData(form), credentials: "same-origin",
          headers: { Accept: "application/json" },
        });
        const answer = await response.json().catch(() => null);
        if (!answer) return form.submit();
        const template = document.createElement("template");
        template.innerHTML = answer.html.trim();
        const fresh = template.content.firstElementChild;
        panel.replaceWith(fresh);
        enhance(fresh);
        fresh.querySelector(".share-message").focus?.();
      });
    }
  };
  const panel = document.querySelector("[data-share-links]");
  if (panel) enhance(panel);
};
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", startShareLinks);
else startShareLinks();
