"""One spelling for each Vietnamese word, whatever the keyboard typed.

The same word reaches us as different code points, which compare unequal:

- **Unicode composition**: "ó" is one code point in NFC, and "o" followed by
  a combining acute accent in NFD (sent by some mail clients, input methods
  and macOS).
- **Two placements of the tone mark**: in a syllable ending in the vowel
  pair ``oa``, ``oe`` or ``uy`` (no final consonant), the *old style* puts
  the tone on the first vowel (``hóa``, ``khỏe``, ``thủy``, ``òa``, ``úy``,
  ``òe``) and the *new style* on the second (``hoá``, ``khoẻ``, ``thuỷ``,
  ``oà``, ``uý``, ``oè``). Both are correct and both are in use. With a
  final consonant there is one placement only (``hoàn``, ``khuyến``), and
  in ``qu`` the ``u`` belongs to the consonant (``quý``, ``quà``: no pair).

:func:`normalize_vietnamese` is the canonical form the addons compare:
NFC, with the tone of such syllables on the first vowel (the old style,
what most keyboards produce by default); case is kept.
"""

import re
import unicodedata

# The five tone marks as combining characters (NFD): grave, acute, tilde,
# hook above, dot below.
TONES = "\u0300\u0301\u0303\u0309\u0323"
# A word, decomposed: letters and their combining marks.
WORD = re.compile(r"(?:[^\W\d_]|[\u0300-\u036f])+")
# A new-style syllable, decomposed: an initial consonant (not 'qu'), the bare
# pair (no circumflex, breve or horn on it) and the tone on its second vowel
# ending the word.
NEW_STYLE = re.compile(
    rf"(ngh|ng|nh|ch|gh|kh|ph|th|tr|[bcdđghklmnprstvx])?([ou])([aey])([{TONES}])",
    re.IGNORECASE,
)
PAIRS = {("o", "a"), ("o", "e"), ("u", "y")}


def normalize_vietnamese(text):
    """``text`` in NFC with one placement of the tone marks (see the module).

    ``normalize_vietnamese("Khiếu nại hoá đơn") == "Khiếu nại hóa đơn"``,
    whether the text came composed or decomposed. Text without diacritics
    and other languages come back unchanged (apart from NFC).
    """
    if not text:
        return text or ""
    decomposed = unicodedata.normalize("NFD", text)
    if any(tone in decomposed for tone in TONES):
        decomposed = WORD.sub(_old_style, decomposed)
    return unicodedata.normalize("NFC", decomposed)


def _old_style(word):
    """The word with its tone moved to the first vowel of a final pair."""
    syllable = NEW_STYLE.fullmatch(word.group(0))
    if not syllable or (syllable[2].lower(), syllable[3].lower()) not in PAIRS:
        return word.group(0)
    onset, first, second, tone = (part or "" for part in syllable.groups())
    return onset + first + tone + second
