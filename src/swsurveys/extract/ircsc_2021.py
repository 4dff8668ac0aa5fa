"""The 2021 Independent Review poll: every value its report states in its prose.

All charts of the report were lost, so every value is read by hand from the
prose into data/extract/ircsc_2021_manual.csv: the item (in our words, close
to the report's), the answer, the token exactly as printed and its line; the
value is read from the token, never typed. Hedged quantities ("The majority",
"approximately 1/3") state no exact value and carry status x.
"""

from __future__ import annotations

from . import OBSERVATIONS, Generated, manual_rows

SURVEY = "ircsc-2021"


def run() -> Generated:
    """Every ircsc-2021 observation, in the order of the manual file."""
    return Generated({OBSERVATIONS.format(survey=SURVEY): manual_rows(SURVEY)})
