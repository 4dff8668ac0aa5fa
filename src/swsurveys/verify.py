"""The provenance report: every observation checked against its line of the raw source."""
from __future__ import annotations

import pandas as pd

from .catalogue import load, observation_surveys, raw_lines
from .printed import occurs_on_line, parse


def _check(printed: str, value: float, line_text: str | None) -> str:
    """Why an observation fails verification, or "" when it passes."""
    if line_text is None:
        return "line is outside the raw file"
    if not occurs_on_line(printed, line_text):
        return "printed token not found on its line"
    stated = parse(printed)
    if stated is not None and not pd.isna(value) and abs(stated - value) > 1e-9:
        return f"value {value:g} does not follow from printed {printed!r}"
    if stated is not None and pd.isna(value):
        return f"value missing though printed {printed!r} states {stated:g}"
    return ""


def verify(surveys: list[str] | None = None) -> pd.DataFrame:
    """Every observation with `verified` (bool) and `reason` (why not), per survey."""
    frames = []
    for slug in surveys or observation_surveys():
        lines = raw_lines(slug)
        frame = load(slug)
        reasons = [
            _check(row.printed, row.value, lines[row.line - 1] if 1 <= row.line <= len(lines) else None)
            for row in frame.itertuples()
        ]
        frame = frame.assign(reason=reasons, verified=[not r for r in reasons])
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def summary(report: pd.DataFrame) -> pd.DataFrame:
    """Values stored and verified per survey, from a `verify()` report."""
    grouped = report.groupby("survey", sort=False)
    return pd.DataFrame({
        "stored": grouped.size(),
        "verified": grouped["verified"].sum(),
        "with_value": grouped["value"].count(),
        "tables": grouped["table"].nunique(),
    }).reset_index()
