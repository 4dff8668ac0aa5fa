"""The rules one observation keeps on its own: its printed token stands on its line and states its value.

`validate` (the build's data check, with file and line) and `verify` (the
provenance report, one reason per observation) both apply these, so a value
fails both for the same reason, in the same words.
"""

from __future__ import annotations

from dataclasses import dataclass

from .printed import occurs_on_line, parse

EMPTY_WITH_REASON = {"x", "c", "z"}  # statuses that explain an empty value a printed number would fill


@dataclass(frozen=True)
class Broken:
    """One rule an observation breaks: the column at fault, what is wrong, and what was expected."""

    column: str
    message: str
    expected: str = ""


def observation_problems(
    survey: str, printed: str, value: float | None, status: str, line: int | None, raw: list[str] | None
) -> list[Broken]:
    """Every rule the observation breaks; `raw` is its survey's source text by line (None when unknown)."""
    out = []
    if raw is not None and line is not None:
        if not 1 <= line <= len(raw):
            out.append(Broken("line", f"line {line} is outside the raw file", f"1 to {len(raw)}"))
        elif not occurs_on_line(printed, raw[line - 1]):
            text = raw[line - 1].strip()
            shown = text if len(text) <= 90 else text[:87] + "..."
            out.append(
                Broken(
                    "printed",
                    f"{printed!r} is not a whole token on line {line} of {survey}",
                    f"a token that line prints: {shown!r}",
                )
            )
    stated = parse(printed)
    if stated is not None:
        if value is None and status not in EMPTY_WITH_REASON:
            out.append(Broken("value", f"empty, but printed {printed!r} states {stated:g}", f"{stated:g}"))
        elif value is not None and abs(value - stated) > 1e-9:
            out.append(Broken("value", f"{value:g} does not follow from printed {printed!r}", f"{stated:g}"))
    elif value is not None and not (printed.strip() in {"-", "–"} and value == 0):
        out.append(
            Broken(
                "value",
                f"{value:g} is stored, but printed {printed!r} states no exact number",
                "an empty value with a status, or a printed token that states the number",
            )
        )
    if value is None and not status:
        out.append(Broken("status", "value is empty and no status says why", "x, z, c, low or u"))
    if status == "low" and value is not None:
        out.append(Broken("value", "a 'low' value (rounds to zero) must be empty", "empty"))
    return out
