// Who else has this article open (articles/newsroom/presence.py): the warning at the top of the form is
// kept current every 30 seconds, and leaving the page says goodbye. Without JavaScript the
// warning is still shown when the form is opened.
(() => {
  "use strict";
  const start = () => {
    const box = document.querySelector("[data-presence]");
    const form = document.getElementById("article_form");
    if (!box || !form || !window.fetch) return;
    const url = box.dataset.presence;
    const token = () => form.querySelector("[name=csrfmiddlewaretoken]").value;
    const show = (names) => {
      box.replaceChildren();
      if (!names.length) return;
      const line = document.createElement("p");
      line.className = "presence-notice";
      line.textContent = `${names.join(", ")} ${names.length > 1 ? "have" : "has"} this article open too. ` +
        "If you both save, the second save is stopped and shown what the other changed.";
      box.append(line);
    };
    const ping = async () => {
      const body = new FormData();
      body.append("csrfmiddlewaretoken", token());
      try {
        const response = await fetch(url, { method: "POST", body, credentials: "same-origin" });
        if (response.ok) show((await response.json()).others);
      } catch (error) { /* offline for a moment: the next ping tries again */ }
    };
    setInterval(ping, 30000);
    window.addEventListener("pagehide", () => {
      const body = new FormData();
      body.append("csrfmiddlewaretoken", token());
      body.append("leaving", "1");
      navigator.sendBeacon(url, body);
    });
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
