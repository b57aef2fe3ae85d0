"""What makes a slug unsafe or suspicious: one rule for the importer and the admin.

A slug is an address people read before they follow it. Two tricks make an address
read as another:

- *Invisible characters*: bidirectional controls (U+202E RIGHT-TO-LEFT OVERRIDE shows
  ``abc<RLO>gpj.exe`` as ``abcexe.jpg``), zero-width joiners and spaces, soft hyphens,
  variation selectors, Hangul fillers: Unicode's format characters (category Cf),
  controls (Cc) and the rest of its *default ignorable* code points, which display as
  nothing. A slug holding one is refused (:func:`slug_error`).
- *Homoglyphs*: letters of another script that look like Latin ones (``pаypal`` with a
  Cyrillic ``а``), and compatibility forms (fullwidth ``ｐａｙｐａｌ``, mathematical
  bold letters). A word mixing scripts is flagged, not refused (:func:`slug_warning`):
  slugs mix scripts across words legitimately (``python-учебник``), and within one
  word in Japanese (kanji with kana) or with Latin (``iphone用``), which the check allows
  as Unicode's "highly restrictive" profile does (UTS #39, section 5.2).

Whole-script look-alikes (``аррӏе``, every letter Cyrillic) are not detected: that needs
Unicode's confusables table.
"""

import re
import unicodedata

from django import forms

# Default_Ignorable_Code_Point (Unicode's DerivedCoreProperties.txt) outside categories
# Cc and Cf, which are refused whole: combining grapheme joiner, Hangul fillers,
# Khmer inherent vowels, Mongolian variation selectors, variation selectors, unassigned
# code points reserved as ignorable, and the tag and variation-selector supplement block.
IGNORABLE = (
    (0x034F, 0x034F),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x2060, 0x206F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0xE0000, 0xE0FFF),
)
# Scripts one word may mix (UTS #39 "highly restrictive"): Latin with Japanese, with
# Chinese and Bopomofo, with Korean.
ALLOWED_MIXES = (
    {"Latin", "Han", "Hiragana", "Katakana"},
    {"Latin", "Han", "Bopomofo"},
    {"Latin", "Han", "Hangul"},
)
# The first word of a letter's Unicode name names its script, except for these.
SCRIPT_OF_NAME = {"CJK": "Han", "IDEOGRAPHIC": "Han", "KATAKANA-HIRAGANA": None, "MODIFIER": None}
WORD_SEPARATORS = re.compile(r"[-_\s]+")


def _is_hidden(char: str) -> bool:
    if unicodedata.category(char) in ("Cc", "Cf"):
        return True
    code = ord(char)
    return any(low <= code <= high for low, high in IGNORABLE)


def slug_error(slug: str) -> str | None:
    """Why ``slug`` may not be an address, or None.

    The reason reads after "it": "it contains invisible characters (…)".
    """
    hidden = list(dict.fromkeys(char for char in slug if _is_hidden(char)))
    if not hidden:
        return None
    named = ", ".join(f"U+{ord(char):04X} {unicodedata.name(char, 'unnamed')}" for char in hidden)
    return f"contains invisible characters ({named}), which can make an address read as another"


def _script(char: str) -> str | None:
    """The script of a letter, from its Unicode name; None for anything else."""
    if not char.isalpha():
        return None  # digits, marks, punctuation: shared by every script
    words = unicodedata.name(char, "").split()
    if words[:1] in (["FULLWIDTH"], ["HALFWIDTH"]):
        words = words[1:]
    if not words:
        return None
    first = words[0]
    return SCRIPT_OF_NAME.get(first, first.title())


def slug_warning(slug: str) -> str | None:
    """Why ``slug`` may pass for another address, or None.

    The reason reads after "it" or after the slug: "mixes Latin and Cyrillic letters
    in one word (“pаypal”), …".
    """
    for word in WORD_SEPARATORS.split(slug):
        if unicodedata.normalize("NFKC", word) != unicodedata.normalize("NFC", word):
            return (
                f"uses compatibility forms of letters (fullwidth or styled) in “{word}”, "
                f"which read as “{unicodedata.normalize('NFKC', word)}”"
            )
        scripts = {script for script in map(_script, word) if script}
        if len(scripts) > 1 and not any(scripts <= allowed for allowed in ALLOWED_MIXES):
            names = sorted(scripts)
            return (
                f"mixes {', '.join(names[:-1])} and {names[-1]} letters in one word "
                f"(“{word}”), so it can pass for another address"
            )
    return None


class SlugField(forms.SlugField):
    """The admin's slug field: the usual slug characters, and no invisible ones."""

    def validate(self, value):
        super().validate(value)
        # Before the slug validator, whose message ("letters, numbers, underscores or
        # hyphens") would not say what is wrong.
        if error := slug_error(value):
            raise forms.ValidationError(f"This slug {error}. Remove them.", code="invisible")
