// Addresses made from a headline or a name (the admin's prepopulated slug boxes) write Kazakh,
// Russian and Uzbek letters in Latin ones instead of dropping them. The table is the server's
// (articles/newsroom/slugs.py), carried by the slug box's data-transliteration attribute.
(() => {
  "use strict";
  let table = null;
  const transliterate = (text) => {
    if (table === null) {
      const box = document.querySelector("[data-transliteration]");
      table = box ? JSON.parse(box.dataset.transliteration) : { letters: {}, marks: "" };
    }
    return [...text.toLowerCase()]
      .filter((letter) => !table.marks.includes(letter))
      .map((letter) => table.letters[letter] ?? letter)
      .join("");
  };
  const wrap = () => {
    const urlify = window.URLify;
    if (!urlify || urlify.transliterates) return;
    const wrapped = (text, length, allowUnicode) => urlify(transliterate(text), length, allowUnicode);
    wrapped.transliterates = true;
    window.URLify = wrapped;
  };
  wrap();
  document.addEventListener("DOMContentLoaded", wrap);
})();
