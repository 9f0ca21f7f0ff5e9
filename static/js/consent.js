// Progressive enhancement of the cookie-consent forms: without this file they post and redirect.
// With it, the same form is sent in the background, the banner goes away without a reload, and
// focus moves to the page's main content.
(() => {
  "use strict";

  const send = async (form, submitter) => {
    // Sent as a plain urlencoded form: no public address takes multipart bodies.
    const data = new URLSearchParams(new FormData(form));
    data.set(submitter.name, submitter.value);
    const response = await fetch(form.action, {
      method: "POST",
      body: data,
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    const result = await response.json();
    if (result.outdated) throw new Error("outdated");
    if (!response.ok || !result.saved) throw new Error("not saved");
    return result;
  };

  // Keep the banner's real height free at the end of the page and out of scrolled-to views.
  const banner = document.querySelector("[data-consent-banner]");
  if (banner && window.ResizeObserver) {
    new ResizeObserver(() => {
      if (!banner.isConnected) return;
      const height = `${Math.ceil(banner.getBoundingClientRect().height) + 8}px`;
      document.documentElement.style.setProperty("--consent-banner-height", height);
    }).observe(banner);
  }

  document.addEventListener("submit", async (event) => {
    const form = event.target;
    const submitter = event.submitter;
    if (!form.matches("form[data-consent-form]") || !submitter || !window.fetch) return;
    if (form.dataset.plain) return; // sent the plain way: the page answers for itself
    event.preventDefault();
    const region = form.closest("[data-consent-region]");
    const status = region && region.querySelector("[data-consent-status]");
    try {
      const result = await send(form, submitter);
      document.dispatchEvent(new CustomEvent("consent:changed", { detail: result }));
      const message = result.message; // written by the server, in the page's language
      for (const current of document.querySelectorAll("[data-consent-current]")) {
        current.textContent = message;
      }
      for (const footer of document.querySelectorAll("[data-consent-footer]")) {
        footer.textContent = result.footer;
      }
      // Every form on the page now shows what was saved (the cookie page's boxes included).
      for (const box of document.querySelectorAll("form[data-consent-form] input[name=category]")) {
        if (!box.disabled) box.checked = result.granted.includes(box.value);
      }
      const banner = document.querySelector("[data-consent-banner]");
      if (banner && banner.contains(form)) {
        banner.remove();
        document.documentElement.style.removeProperty("--consent-banner-height");
        // The reader stays where they were reading; a short note says it was saved.
        document.getElementById("main").focus({ preventScroll: true });
        const toast = document.querySelector("[data-consent-toast]");
        if (toast) {
          toast.textContent = message;
          setTimeout(() => { toast.textContent = ""; }, 6000);
        }
      } else if (status) {
        status.textContent = message;
      }
    } catch (error) {
      if (error.message === "outdated") {
        // The policy changed since this page loaded: nothing was recorded. Post the form
        // the plain way, and the answer is a page with the current text to choose on.
        form.dataset.plain = "1";
        form.requestSubmit(submitter);
        return;
      }
      if (status) status.textContent = "Your choice could not be saved. Please try again.";
    }
  });
})();
