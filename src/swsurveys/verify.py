"""The provenance report: every observation checked against its line of the raw source."""

from __future__ import annotations

import pandas as pd

from .catalogue import load, observation_surveys, raw_lines
from .rules import observation_problems


def _reason(survey: str, row, lines: list[str]) -> str:
    """Why an observation fails verification (the first rule it breaks), or "" when it passes."""
    value = None if pd.isna(row.value) else float(row.value)
    broken = observation_problems(survey, row.printed, value, row.status, row.line, lines)
    return broken[0].message if broken else ""


def verify(surveys: list[str] | None = None) -> pd.DataFrame:
    """Every observation with `verified` (bool) and `reason` (why not), per survey."""
    frames = []
    for slug in surveys or observation_surveys():
        lines = raw_lines(slug)
        frame = load(slug)
        reasons = [_reason(slug, row, lines) for row in frame.itertuples()]
        frame = frame.assign(reason=reasons, verified=[not r for r in reasons])
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def summary(report: pd.DataFrame) -> pd.DataFrame:
    """Values stored and verified per survey, from a `verify()` report."""
    grouped = report.groupby("survey", sort=False)
    return pd.DataFrame(
        {
            "stored": grouped.size(),
            "verified": grouped["verified"].sum(),
            "with_value": grouped["value"].count(),
            "tables": grouped["table"].nunique(),
        }
    ).reset_index()
