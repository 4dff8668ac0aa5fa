"""Dates as the book writes them: '22 February 2010', 'June 2011', '2012'."""

from __future__ import annotations

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def format_date(iso: str, day: bool = True) -> str:
    """'2010-02-22' -> '22 February 2010' ('February 2010' with day=False); '2011-06' -> 'June 2011'; '2012' -> '2012'."""
    parts = str(iso).split("-")
    if len(parts) == 3 and day:
        return f"{int(parts[2])} {MONTHS[int(parts[1]) - 1]} {parts[0]}"
    if len(parts) >= 2:
        return f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
    return parts[0]


def format_month(iso: str) -> str:
    """The month and year of a date: '2010-02-22' -> 'February 2010' (a source note's publication date)."""
    return format_date(iso, day=False)
