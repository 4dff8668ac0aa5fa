"""The words the cross-year views use for who answered, how comparable two values are and what kind they are.

Shared by `crosswalk` (which links the values) and `charts` (which draws
them), so neither needs the other to name them.
"""

from __future__ import annotations

# Who answered, as the synthesis charts name it (surveys.csv respondent_type).
POPULATION = {
    "practitioners": "Social workers, national",
    "inspection": "Staff in authorities chosen for good practice",
    "employers": "Councils (employers), not individuals",
}
COMPARABILITY = ["same-question", "similar", "different-population", "proxy"]
COMPARABILITY_LABEL = {
    "same-question": "Same question",
    "similar": "Similar question",
    "different-population": "Different respondents",
    "proxy": "Proxy measure",
}
# The kinds of quantity (crosswalk.csv and indicators.csv `kind`), as a reader reads them.
KIND_LABEL = {
    "share-agreeing": "share agreeing with a statement",
    "share-reporting": "share answering yes or choosing an option",
    "share-of-councils": "share of councils",
    "share-of-posts": "share of posts",
    "share-of-working-time": "share of working time recorded in a diary",
    "mean-score-0-10": "mean score out of ten",
    "count": "number",
    "hours": "hours a week",
}
