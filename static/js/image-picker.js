// The image library's picker, opened by the editor's "Browse..." (django-prose-editor speaks
// the CKEditor picker protocol): a chosen picture goes back to the editor's figure dialog with
// its address, library id, alt text and caption, and the window closes.
(() => {
  "use strict";
  const picker = document.querySelector(".image-picker");
  const editor = window.opener && window.opener.CKEDITOR && window.opener.CKEDITOR.tools;
  if (!picker) return;
  if (!editor || !picker.dataset.callback) {
    const help = document.querySelector("[data-picker-help]");
    if (help) help.textContent = "Open this list from the editor's picture button to place a picture.";
    return;
  }
  for (const button of picker.querySelectorAll("[data-pick]")) {
    button.addEventListener("click", () => {
      editor.callFunction(Number(picker.dataset.callback), button.dataset.url, {
        id: button.dataset.id,
        alternative_text: button.dataset.alt,
        caption: button.dataset.caption,
      });
      window.close();
    });
  }
})();
