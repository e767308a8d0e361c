"""The language a text is written in, from its letters.

Only Vietnamese is recognised: it is the language of the addons' customers
that English defaults get wrong, and its letters tell it apart without a
dictionary. Most Vietnamese words carry a mark that no other language
written in Latin letters uses: the letters ă đ ơ ư, a tone written with a
hook above or a dot below (ả ạ ỏ ọ ...), a tone on a circumflex vowel
(ấ ề ộ ...) or a tilde on e, i, u, y (ẽ ĩ ũ ỹ). French, Spanish or
Portuguese text has none of them: â ê ô, à é or ã õ alone are not counted.

What decides is the share of such letters among the letters of the words
written in lower case: names and addresses are capitalised, so an English
email signed "Nguyễn Văn An, Công ty Hoàng Phát" stays English. Vietnamese
typed without its marks cannot be told from other languages: unknown.

Used for new contacts (their language, hence the language of the emails
they get): ``res.lang._feedback_new_contact_lang``.
"""

import re
import unicodedata

VIETNAMESE = "vi_VN"
# Vietnamese-only letters without a tone (lower case, composed)
_VIETNAMESE_BASE = frozenset("ăđơư")
_HOOK_ABOVE, _DOT_BELOW = "\u0309", "\u0323"
_CIRCUMFLEX, _TILDE = "\u0302", "\u0303"
_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")  # grave, acute, tilde, hook, dot
_WORD = re.compile(r"[^\W\d_]+")
# 0.11 to 0.50 on the Vietnamese demo tickets, titles included; 0 on the
# English ones, under 0.05 for a short English email with a Vietnamese
# signature.
VIETNAMESE_MIN_SHARE = 0.07
MIN_LETTERS = 4  # "Cảm ơn" is Vietnamese; "ờ" alone proves nothing


def is_vietnamese_letter(char):
    """True for a letter that only Vietnamese writes (``char``: one letter)."""
    char = unicodedata.normalize("NFC", char.lower())
    if char in _VIETNAMESE_BASE:
        return True
    decomposed = unicodedata.normalize("NFD", char)
    base, marks = decomposed[:1], decomposed[1:]
    if _HOOK_ABOVE in marks or _DOT_BELOW in marks:
        return True
    if _CIRCUMFLEX in marks and _TONES.intersection(marks):
        return True  # ấ ầ ẩ ẫ ậ, ế ề ..., ố ồ ...: a tone on a circumflex vowel
    return _TILDE in marks and base in "eiuy"  # ẽ ĩ ũ ỹ


def vietnamese_share(text):
    """(Vietnamese-only letters, letters) of the lower-case words of ``text``
    (of all its words when it has too few: a text in capitals), NFC or NFD."""
    words = _WORD.findall(unicodedata.normalize("NFC", text or ""))
    letters = "".join(word for word in words if word[0].islower())
    if len(letters) < MIN_LETTERS:
        letters = "".join(words)
    return sum(map(is_vietnamese_letter, letters)), len(letters)


def text_language(text):
    """``"vi_VN"`` when ``text`` is written in Vietnamese, else None (unknown:
    English, another language, or Vietnamese typed without its marks)."""
    vietnamese, letters = vietnamese_share(text)
    if letters >= MIN_LETTERS and vietnamese >= max(1, letters * VIETNAMESE_MIN_SHARE):
        return VIETNAMESE
    return None


def in_lang(records, lang):
    """``records`` in the context of ``lang``: the records themselves when it
    already is theirs (a new context would read their translated fields
    again)."""
    if (records.env.lang or "en_US") == lang:
        return records
    return records.with_context(lang=lang)
