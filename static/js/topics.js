// The article's topic box (the admin's select2 autocomplete, with typed topics allowed). Select2
// puts the typed text first and highlights it, so "Kazakh" + Enter made a new topic beside
// "Kazakhstan". Here the topics that exist come first (Enter picks the highlighted match), and a
// new topic is an explicit choice at the end of the list: "New topic: “Kazakh”".
window.addEventListener("load", () => {
  // After the admin's own set-up (autocomplete.js runs when the document is ready; the admin's
  // scripts come in no fixed order).
  "use strict";
  const $ = window.django && window.django.jQuery;
  if (!$ || !$.fn.select2) return;
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
  };
  $("select.admin-autocomplete[data-tags=true]").each((i, element) => start(element));
});
