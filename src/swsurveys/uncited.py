"""Lines of a source that state a quantity but that no observation cites.

Every finding a report states in its running text must be stored, so the check
lists each raw line that carries a number or a verbal quantity ("a third",
"one in six", "the majority") and that no observation cites. Such a line must
be listed in `data/exclusions/<survey>.csv` with the kind of text it is and
why it holds no finding (a page number, a heading, a web address, a value
already stored from another line …). An exclusion of a line that is cited, or
that carries no quantity, is stale and is reported too.
"""

from __future__ import annotations

import functools
import re

# A digit, or a word that states an amount. "one" and "most" are left out: they are far more often
# pronouns and adverbs than quantities, and "one in six" is caught by "six".
_QUANTITY = re.compile(
    r"\d|\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
    r"seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|"
    r"half|halves|thirds?|quarters?|fifths?|sixths?|sevenths?|eighths?|tenths?|majority|minority|"
    r"per\s?cent|dozen|twice|double|treble|handful)\b",
    re.IGNORECASE,
)

KINDS = {
    "furniture": "page numbers, running heads, the contents and the cover",
    "heading": "a numbered heading, or the number and title of a table, figure or chart",
    "reference": "a citation, web address, footnote marker, report or legal reference",
    "label": "a row, column, question or answer-band label, or a scale (the values beside it are stored)",
    "date": "a date or period that is not a finding (publication, fieldwork and other dates)",
    "restatement": "repeats a value stored from another line, which the reason names ('line 123')",
    "context": "a number that describes the method or background, not a survey finding",
    "not-a-quantity": "the word is not an amount here ('third sector', 'a quarter of the day' as a time)",
}


def states_quantity(text: str) -> bool:
    """True when a line carries a number or a word that states an amount."""
    return _QUANTITY.search(text) is not None


def uncited(lines: list[str], cited: set[int]) -> list[int]:
    """Line numbers (1-based) that state a quantity and that no observation cites."""
    return [n for n in _quantity_lines(tuple(lines)) if n not in cited]


@functools.lru_cache(maxsize=16)
def _quantity_lines(lines: tuple[str, ...]) -> tuple[int, ...]:
    # A source's text is the same from one validation to the next (a fix is to the observations), so a
    # process that validates again (swbook preview) searches each source once.
    return tuple(n for n, text in enumerate(lines, 1) if states_quantity(text))
