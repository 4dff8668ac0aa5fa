"""Values we compute from published ones. Never stored as observations; always labelled derived.

Each function returns a tidy frame shaped like `load()`'s, with `derived`
set to True, `printed` empty, `note` saying how the value was made and
`lines` naming every source line it is built from (`line` is the first of
them), so a chart or table can say which of its numbers are ours and link
each to all of its sources.
"""

from __future__ import annotations

import pandas as pd

_KEYS = ["survey", "table", "question", "group", "measure"]


def _lines(values: pd.Series) -> str:
    return "; ".join(str(n) for n in dict.fromkeys(int(v) for v in values.dropna()))


def _mark(frame: pd.DataFrame, note: str) -> pd.DataFrame:
    frame = frame.copy()
    frame["derived"] = True
    frame["printed"] = ""
    frame["status"] = ""
    frame["line"] = frame["lines"].map(lambda text: int(text.split(";")[0]) if text else pd.NA)
    frame["note"] = note
    return frame


def combine(frame: pd.DataFrame, categories: list[str], label: str) -> pd.DataFrame:
    """Add up the values of `categories` (e.g. strongly agree + agree) per question and group.

    A question or group that lacks any of the categories gets no combined
    value, rather than a partial sum.
    """
    parts = frame[frame["category"].isin(categories) & frame["value"].notna()]
    grouped = parts.groupby(_KEYS, dropna=False, sort=False)
    complete = grouped["category"].transform("nunique") == len(categories)
    summed = (
        parts[complete]
        .groupby(_KEYS, dropna=False, sort=False)
        .agg(value=("value", "sum"), order=("order", "min"), base=("base", "first"), lines=("line", _lines))
        .reset_index()
    )
    summed["category"] = label
    return _mark(summed, f"derived: sum of {' + '.join(categories)}")


def share_of_answering(frame: pd.DataFrame, exclude: list[str], decimals: int = 1) -> pd.DataFrame:
    """Rebase counts to the share of those who answered, leaving out `exclude` (e.g. "Not stated")."""
    counts = frame[(frame["measure"] == "count") & ~frame["category"].isin(exclude + ["Total"])].copy()
    grouped = counts.groupby(_KEYS[:-1], dropna=False, sort=False)
    totals = grouped["value"].transform("sum")
    counts["lines"] = grouped["line"].transform(_lines)
    counts["value"] = (counts["value"] / totals * 100).round(decimals)
    counts["measure"] = "percent"
    counts["base"] = totals
    return _mark(counts, f"derived: count / sum of counts excluding {', '.join(exclude) or 'nothing'} × 100")
