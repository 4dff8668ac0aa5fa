"""Read a printed token ("26%", "1,153", "a fifth", "Sixty-four percent") as a number.

The verification of the data package rests on this module: a stored `value`
must be what its `printed` token says, and that token must stand on the cited
line as a whole token. Both rules live here so they are tested once.
"""

from __future__ import annotations

import re
import string

_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
# Exact fractions read as a percentage of respondents.
_FRACTIONS = {
    "half": 50,
    "a half": 50,
    "a third": None,
    "a quarter": 25,
    "a fifth": 20,
    "a tenth": 10,
    "three quarters": 75,
}

_NUMBER = re.compile(r"[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?|[-+]?\d+(?:\.\d+)?|[-+]?\.\d+")
_PERCENT_WORDS = re.compile(r"\s*(?:%|per\s*cent|percent)\s*$", re.IGNORECASE)


def number_words(text: str) -> float | None:
    """Return the number a phrase of number words names, or None.

    Understands "nine", "sixty-four", "one hundred", "a fifth", "half",
    optionally followed by "percent" or "per cent".
    """
    words = _PERCENT_WORDS.sub("", text.strip().lower()).strip()
    if words in _FRACTIONS:
        return _FRACTIONS[words]
    if words == "one hundred" or words == "a hundred" or words == "hundred":
        return 100
    if words in _UNITS:
        return _UNITS[words]
    if words in _TENS:
        return _TENS[words]
    parts = re.split(r"[-\s]+", words)
    if len(parts) == 2 and parts[0] in _TENS and parts[1] in _UNITS and 0 < _UNITS[parts[1]] < 10:
        return _TENS[parts[0]] + _UNITS[parts[1]]
    return None


def parse(printed: str) -> float | None:
    """The number a printed token states, or None when it states none exactly.

    "26%" -> 26, "1,153" -> 1153, "£1,500" -> 1500, "(x 20)" -> 20,
    "<1%" -> None (rounds to zero), "less than 0.5 per cent" -> None (an upper bound),
    "-" -> None, "just over half" -> None.
    """
    text = printed.strip()
    if text.startswith("<") or text.lower().startswith("less than") or text in {"-", "–", "*", ""}:
        return None
    numbers = _NUMBER.findall(text)
    if len(numbers) == 1:
        return float(numbers[0].replace(",", ""))
    if numbers:
        return None
    return number_words(text)


def occurs_on_line(printed: str, line: str) -> bool:
    """True when `printed` stands on `line` as a whole token.

    A whole token is not part of a longer word or number: "51" does not
    occur in "151", "5.1" or "51.5", but does in "51%" and "(51)".
    """
    if not printed:
        return False
    # A plain search with the neighbours checked by hand: a regular expression per token meant
    # compiling thousands of patterns in every validation (a third of it).
    start = line.find(printed)
    while start != -1:
        end = start + len(printed)
        if not _joined_before(line, start) and not _joined_after(line, end):
            return True
        start = line.find(printed, start + 1)
    return False


_WORD = frozenset(string.ascii_letters + string.digits)
_DIGITS = frozenset(string.digits)


def _joined_before(line: str, start: int) -> bool:
    """Whether the text before `start` continues the token: a letter or digit, or a digit and "." or ","."""
    if start > 0 and line[start - 1] in _WORD:
        return True
    return start > 1 and line[start - 1] in ".," and line[start - 2] in _DIGITS


def _joined_after(line: str, end: int) -> bool:
    """Whether the text from `end` continues the token: a letter or digit, or "." or "," and a digit."""
    if end < len(line) and line[end] in _WORD:
        return True
    return end + 1 < len(line) and line[end] in ".," and line[end + 1] in _DIGITS
