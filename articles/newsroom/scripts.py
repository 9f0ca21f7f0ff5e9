"""Words written in the wrong alphabet. A Cyrillic A looks like the Latin one, but readers'
find-in-page and search engines see another word ("Almaty" with a Cyrillic first letter is not
found by "Almaty"): the editor is told, and the client's own text is kept as written."""

import re
import unicodedata
from collections import Counter

WORD = re.compile(r"\w+")
# Letters of one alphabet that look like letters of the other.
LOOKALIKES = {
    "CYRILLIC": set("\u0410\u0412\u0415\u0405\u0406\u0408\u041a\u041c\u041d\u041e\u0420\u0421"
                    "\u0422\u0425\u0430\u0435\u0456\u0458\u043e\u0440\u0441\u0443\u0445"),
    "LATIN": set("ABESIJKMHOPCTXaeijopcyx"),
}  # fmt: skip


def script(letter: str) -> str | None:
    """LATIN, CYRILLIC... for a letter; None for digits and the rest."""
    if not letter.isalpha():
        return None
    return unicodedata.name(letter, "").split(" ")[0] or None


def mixed_words(text: str) -> list[str]:
    """The words of `text` that mix alphabets, or that are written only in letters of another
    alphabet than the text's that look like its own (a lone Cyrillic A in an English headline)."""
    words = WORD.findall(text or "")
    letters = Counter(script(letter) for word in words for letter in word)
    letters.pop(None, None)
    main = letters.most_common(1)[0][0] if letters else None
    found = []
    for word in words:
        scripts = {script(letter) for letter in word} - {None}
        other = scripts == {next(iter(scripts), main)} and scripts != {main}
        lookalike = other and set(word) <= LOOKALIKES.get(next(iter(scripts)), set())
        if len(scripts) > 1 or lookalike:
            found.append(word)
    return found
