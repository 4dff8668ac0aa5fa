"""Read and write the data package's CSV files as rows of text: the one place that knows their dialect.

Every CSV here is UTF-8 with a header row and LF line endings, quoted only
where a cell needs it. Rows are dicts of strings, as `csv.DictReader` gives them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from pathlib import Path


def numbered_rows(text: str) -> Iterator[tuple[int, dict]]:
    """Yield (line number in the file, row) for each record of CSV text; a record may span lines."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    start = 2
    for row in reader:
        yield start, row
        start = reader.line_num + 1


def read_numbered(path: Path) -> Iterator[tuple[int, dict]]:
    """`numbered_rows` of a file."""
    return numbered_rows(Path(path).read_text(encoding="utf-8"))


def read_rows(path: Path) -> list[dict]:
    """Every record of a CSV file, as dicts of text."""
    return [row for _, row in read_numbered(path)]


def csv_text(columns: list[str], rows: Iterable[dict]) -> str:
    """Rows as the text of a CSV file with these columns (a row's keys must be exactly these)."""
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, columns, lineterminator="\n", extrasaction="raise")
    writer.writeheader()
    for row in rows:
        missing = [c for c in columns if c not in row]
        if missing:
            raise ValueError(f"row has no {', '.join(missing)} (expected the columns {', '.join(columns)}): {row}")
        writer.writerow(row)
    return out.getvalue()


def write_rows(path: Path, columns: list[str], rows: Iterable[dict]) -> None:
    """Write rows as a CSV file with these columns (UTF-8, LF line endings)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(csv_text(columns, rows), encoding="utf-8", newline="")
