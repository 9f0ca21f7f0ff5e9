// Google Consent Mode v2, basic mode: every signal is denied by default, and the Google tag is
// loaded only once the visitor grants analytics or marketing. Configured by GOOGLE_TAG_ID.
(() => {
  "use strict";
  const script = document.currentScript;
  const tagId = script.dataset.tagId;
  window.dataLayer = window.dataLayer || [];
  function gtag() {
    window.dataLayer.push(arguments); // gtag expects the arguments object itself
  }
  const signals = (granted) => {
    const marketing = granted.includes("marketing") ? "granted" : "denied";
    return {
      analytics_storage: granted.includes("analytics") ? "granted" : "denied",
      ad_storage: marketing,
      ad_user_data: marketing,
      ad_personalization: marketing,
    };
  };
  let loaded = false;
  const apply = (granted) => {
    gtag("consent", "update", signals(granted));
    if (loaded || granted.length === 0) return;
    loaded = true;
    const tag = document.createElement("script");
    tag.async = true;
    tag.src = `https://www.googletagmanager.com/gtag/js?id=${encodeURIComponent(tagId)}`;
    document.head.append(tag);
    gtag("js", new Date());
    gtag("config", tagId);
  };
  gtag("consent", "default", signals([]));
  const initial = (script.dataset.granted || "").split(" ").filter(Boolean);
  if (initial.length) apply(initial);
  document.addEventListener("consent:changed", (event) => apply(event.detail.granted));
})();
