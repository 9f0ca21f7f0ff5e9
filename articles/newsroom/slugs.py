"""One transliteration for every address the newsroom makes from words: article slugs, topic and
author addresses, typed in the admin (static/js/transliterate.js reads this table) or made here.

Kazakh, Russian and Uzbek letters become Latin ones rather than being dropped:
"Қазақстан мен Өзбекстан" is `qazaqstan-men-ozbekstan`, not `azastan-men-zbekstan`.
"""

import json

from django import forms
from django.utils.text import slugify

# Russian (the common practice of Russian newsrooms' addresses), then the Kazakh letters
# (as the Kazakh Latin alphabet writes them, without accents) and Uzbek Cyrillic ones.
TRANSLITERATION = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
    "ә": "a", "ғ": "g", "қ": "q", "ң": "n", "ө": "o", "ұ": "u", "ү": "u", "һ": "h", "і": "i",
    "ў": "o", "ҳ": "h",
}  # fmt: skip
# Uzbek Latin writes oʻ and gʻ with a turned comma, which readers type as any of these.
UZBEK_MARKS = "ʻʼ'‘’`´"


def transliterate(text: str) -> str:
    """`text` in Latin letters (lower case where it was Cyrillic)."""
    lowered = text.lower()
    return "".join(
        TRANSLITERATION.get(letter, letter) for letter in lowered if letter not in UZBEK_MARKS
    )


def slug_for(text: str, max_length: int = 50) -> str:
    """The address words make: `slug_for("Қол қойды")` is "qol-qoydy" ("" for no letters)."""
    return slugify(transliterate(text))[:max_length].strip("-")


TRANSLITERATION_JSON = json.dumps({"letters": TRANSLITERATION, "marks": UZBEK_MARKS})


class SlugFromWords:
    """The address box filled from a headline or name writes Kazakh, Russian and Uzbek letters
    as articles/newsroom/slugs.py does (static/js/transliterate.js), the same as addresses made
    here."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "slug" and field is not None:
            field.widget.attrs["data-transliteration"] = TRANSLITERATION_JSON
        return field

    @property
    def media(self):
        return super().media + forms.Media(js=["js/transliterate.js"])
