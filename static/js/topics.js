// The article's topic box (the admin's select2 autocomplete, with typed topics allowed). Select2
// puts the typed text first and highlights it, so "Kazakh" + Enter made a new topic beside
// "Kazakhstan". Here the topics that exist come first (Enter picks the highlighted match), and a
// new topic is an explicit choice at the end of the list: "New topic: “Kazakh”".
(() => {
  "use strict";
  const startTopics = (tries = 0) => {
    const $ = window.django && window.django.jQuery;
    const boxes = [...document.querySelectorAll("select.admin-autocomplete[data-tags=true]")];
    // After the admin's own set-up (autocomplete.js, when the document is ready; the admin's
    // scripts come in no fixed order): until then, look again a moment later.
    if (!$ || !$.fn.select2 || boxes.some((box) => !$(box).data("select2"))) {
      if (tries < 50) setTimeout(() => startTopics(tries + 1), 50);
      return;
    }
    const NEW = document.documentElement.lang === "ru" ? "Новая тема" : "New topic";
    const start = (element) => {
      if (element.name.includes("__prefix__")) return;
      const $element = $(element);
      if ($element.data("select2")) $element.select2("destroy");
      $element.select2({
        // As django/contrib/admin/static/admin/js/autocomplete.js asks for results.
        ajax: {
          data: (params) => ({
            term: params.term, page: params.page, app_label: element.dataset.appLabel,
            model_name: element.dataset.modelName, field_name: element.dataset.fieldName,
          }),
        },
        createTag: (params) => {
          const term = $.trim(params.term);
          return term ? { id: term, text: term, newTopic: true } : null;
        },
        insertTag: (results, tag) => { results.push(tag); },
        templateResult: (item) => (item.newTopic ? `${NEW}: “${item.text}”` : item.text),
      });
      element.dataset.topicsReady = "true";
    };
    boxes.forEach(start);
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => startTopics());
  else startTopics();
})();
