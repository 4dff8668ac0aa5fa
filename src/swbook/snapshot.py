"""What a reader sees, build to build: the change report printed after every render.

After a successful build, each published page is read back into a *reader
snapshot*: every figure's plotted rows (carried in the page as
`script.sw-data`), every table's cells, and every value linked into the text
(an `a.sw-value`, whose address names its source line). The snapshot is kept
beside the build stamp in `.swbook-cache/`, and the next build is compared with
it: each figure, table and value whose numbers or labels changed is listed with
its id, its chapter and each value old -> new with its source line. The same
report is written to `_book/changes.json` for tools.

Only what the pages show is compared, so a fix that changes nothing a reader
sees (a note, a comment) reports exactly that.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

SNAPSHOT = "snapshot.json"
REPORT = "changes.json"
KEY = ("survey", "table", "question", "category", "group", "measure")
_LINE = re.compile(r"sources/([\w.-]+)\.html(?:\?lines=([\d,]+))?#L(\d+)")


def _text(value) -> str:
    if value is None:
        return ""
    return f"{value:g}" if isinstance(value, float) else str(value)


def source_of(href: str) -> str:
    """'ofsted-2010 line 123' (or 'lines 12, 13') for a link to the source viewer, '' for any other link."""
    match = _LINE.search(href or "")
    if not match:
        return ""
    lines = match.group(2) or match.group(3)
    return f"{match.group(1)} line{'s' if ',' in lines else ''} {lines.replace(',', ', ')}"


def _row_source(row: dict) -> str:
    lines = _text(row.get("lines")) or _text(row.get("line"))
    lines = ", ".join(p.strip() for p in lines.replace(";", ",").split(",") if p.strip())
    if not lines:
        return ""
    return f"{row.get('survey', '')} line{'s' if ',' in lines else ''} {lines}"


@dataclass
class _Table:
    ident: str
    caption: str = ""
    rows: list[list[tuple[str, str]]] = field(default_factory=list)  # (text, source) per cell


class _PageReader(HTMLParser):
    """Collects figures, tables and linked values of one page's main content."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.figures: dict[str, dict] = {}
        self.tables: dict[str, dict] = {}
        self.values: list[dict] = []
        self._stack: list[tuple[str, dict]] = []
        self._section = ""
        self._sections: list[str] = []
        self._figure = ""  # the fig- id we are inside, if any
        self._figure_depth = 0
        self._data: list[str] | None = None
        self._caption: list[str] | None = None
        self._table: _Table | None = None
        self._cell: list[str] | None = None
        self._cell_source = ""
        self._value: dict | None = None
        self._pending_table = ""  # a tbl- id on an element around the next table

    # ------------------------------------------------------------------ tags

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        ident = attributes.get("id") or ""
        classes = (attributes.get("class") or "").split()
        if tag in ("br", "img", "meta", "link", "input", "hr", "col"):
            return
        self._stack.append((tag, attributes))
        if tag == "section" and ident:
            self._sections.append(ident)
        if ident.startswith("fig-") and not ident.endswith(("-cap", "-caption")) and not self._figure:
            self._figure, self._figure_depth = ident, len(self._stack)
            self.figures.setdefault(ident, {"section": self._current_section(), "caption": "", "rows": []})
        elif ident.startswith("fig-") and ident.endswith(("-cap", "-caption")):
            self._caption = []
        if tag == "script" and "sw-data" in classes:
            self._data = []
        if ident.startswith("tbl-") and tag != "table":
            self._pending_table = ident
        if tag == "table" and not self._figure:
            table_id = ident if ident.startswith("tbl-") else self._pending_table
            self._pending_table = ""
            self._table = _Table(table_id or f"table-{len(self.tables) + 1}")
        elif self._table is not None and tag == "tr":
            self._table.rows.append([])
        elif self._table is not None and tag in ("td", "th"):
            self._cell, self._cell_source = [], ""
        elif self._table is not None and tag == "caption":
            self._caption = []
        if tag == "a":
            href = attributes.get("href") or ""
            if self._cell is not None and not self._cell_source:
                self._cell_source = source_of(href)
            if "sw-value" in classes and self._table is None and not self._figure:
                self._value = {"section": self._current_section(), "source": source_of(href), "text": []}

    def handle_endtag(self, tag):
        if all(open_tag != tag for open_tag, _ in self._stack):
            return  # a stray end tag closes nothing (a browser ignores it too)
        while self._stack:
            open_tag, _ = self._stack.pop()
            self._close(open_tag, len(self._stack) + 1)
            if open_tag == tag:
                break

    def _close(self, tag: str, depth: int) -> None:
        if tag == "section" and self._sections:
            self._sections.pop()
        if tag == "script" and self._data is not None:
            if self._figure:
                try:
                    self.figures[self._figure]["rows"] += json.loads("".join(self._data))
                except ValueError:
                    pass
            self._data = None
        if tag == "div" and self._caption is not None and self._figure:
            self.figures[self._figure]["caption"] = " ".join("".join(self._caption).split())
            self._caption = None
        if self._figure and depth == self._figure_depth:
            self._figure = ""
        if self._table is not None:
            if tag in ("td", "th") and self._cell is not None and self._table.rows:
                self._table.rows[-1].append((" ".join("".join(self._cell).split()), self._cell_source))
                self._cell = None
            elif tag == "caption" and self._caption is not None:
                self._table.caption = " ".join("".join(self._caption).split())
                self._caption = None
            elif tag == "table":
                table = self._table
                self.tables[table.ident] = {
                    "section": self._current_section(),
                    "caption": table.caption,
                    "rows": [row for row in table.rows if row],
                }
                self._table = None
        if tag == "a" and self._value is not None:
            value = self._value
            self.values.append(
                {
                    "section": value["section"],
                    "source": value["source"],
                    "text": " ".join("".join(value["text"]).split()),
                }
            )
            self._value = None

    def handle_data(self, data):
        if self._data is not None:
            self._data.append(data)
            return
        if self._caption is not None:
            self._caption.append(data)
        if self._cell is not None:
            self._cell.append(data)
        if self._value is not None:
            self._value["text"].append(data)

    def _current_section(self) -> str:
        return self._sections[-1] if self._sections else ""


def read_page(text: str) -> dict:
    """The reader snapshot of one page: its figures, tables and linked values."""
    main = re.search(r"<main\b.*</main>", text, re.S)
    reader = _PageReader()
    reader.feed(main.group(0) if main else text)
    reader.close()
    figures = {}
    for ident, figure in reader.figures.items():
        rows = {}
        for row in figure["rows"]:
            label = " · ".join(_text(row.get(k)) for k in ("question", "category", "group") if _text(row.get(k)))
            key = "|".join(_text(row.get(k)) for k in KEY)
            rows[key] = {
                "label": label or _text(row.get("measure")),
                "printed": _text(row.get("printed")),
                "value": _text(row.get("value")),
                "source": _row_source(row),
            }
        figures[ident] = {"section": figure["section"], "caption": figure["caption"], "rows": rows}
    tables = {}
    for ident, table in reader.tables.items():
        header = [text for text, _ in table["rows"][0]] if table["rows"] else []
        cells, names = {}, set()
        for number, row in enumerate(table["rows"][1:], 1):
            name = row[0][0] if row and row[0][0] else f"row {number}"
            name = f"{name} (row {number})" if name in names else name  # two rows with one label: keep both
            names.add(name)
            source = next((s for _, s in row if s), "")
            for column, (text, cell_source) in enumerate(row):
                heading = header[column] if column < len(header) else f"column {column + 1}"
                cells[f"{name} · {heading}" if column else name] = {"text": text, "source": cell_source or source}
        tables[ident] = {"section": table["section"], "caption": table["caption"], "cells": cells}
    values: dict[str, dict] = {}
    seen: dict[tuple, int] = {}
    for value in reader.values:
        where = (value["section"], value["source"])
        seen[where] = seen.get(where, 0) + 1
        values[f"{value['section']}|{value['source']}|{seen[where]}"] = value
    return {"figures": figures, "tables": tables, "values": values}


def take(out: Path, pages: list[str], previous: dict | None = None) -> dict:
    """The reader snapshot of a built site: page (as published) -> what it shows.

    A page whose text is byte for byte that of `previous` keeps its snapshot
    unread, so a one-value fix reads only the pages it changed.
    """
    snapshot = {}
    for page in pages:
        path = out / page
        if not path.is_file():
            continue
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        known = (previous or {}).get(page)
        snapshot[page] = (
            known if known and known.get("sha") == digest else {**read_page(data.decode("utf-8")), "sha": digest}
        )
    return snapshot


# ---------------------------------------------------------------------- comparing


def _change(what: str, old: str, new: str, source: str) -> dict:
    return {"what": what, "old": old, "new": new, "source": source}


def _shown(row: dict) -> str:
    return row["printed"] or row["value"]


def _item_changes(old: dict, new: dict, items: str, label, shown, changed) -> list[dict]:
    """What differs between two versions of a figure or table: its caption, then each item added, changed or removed.

    `items` names the dict of items (by key); `label(key, item)` names an item,
    `shown(item)` is its text, and `changed(label, before, after)` lists the
    changes of an item both versions hold.
    """
    out = []
    if old["caption"] != new["caption"]:
        out.append(_change("caption", old["caption"], new["caption"], ""))
    for key, item in new[items].items():
        before = old[items].get(key)
        if before is None:
            out.append(_change(label(key, item), "(not shown)", shown(item), item["source"]))
        else:
            out += changed(label(key, item), before, item)
    for key, item in old[items].items():
        if key not in new[items]:
            out.append(_change(label(key, item), shown(item), "(no longer shown)", item["source"]))
    return out


def _row_changed(label: str, before: dict, row: dict) -> list[dict]:
    if (before["printed"], before["value"], before["label"]) != (row["printed"], row["value"], row["label"]):
        old_text, new_text = _shown(before), _shown(row)
        if old_text == new_text:  # same printed token, another number behind it
            old_text, new_text = f"{old_text} (value {before['value']})", f"{new_text} (value {row['value']})"
        return [_change(label, old_text, new_text, row["source"])]
    if before["source"] != row["source"]:
        return [_change(f"{label}: source", before["source"], row["source"], row["source"])]
    return []


def _figure_changes(old: dict, new: dict) -> list[dict]:
    return _item_changes(old, new, "rows", lambda key, row: row["label"], _shown, _row_changed)


def _cell_changed(label: str, before: dict, cell: dict) -> list[dict]:
    return [_change(label, before["text"], cell["text"], cell["source"])] if before["text"] != cell["text"] else []


def _table_changes(old: dict, new: dict) -> list[dict]:
    return _item_changes(old, new, "cells", lambda key, cell: key, lambda cell: cell["text"], _cell_changed)


def compare(old: dict, new: dict) -> list[dict]:
    """Each figure, table and linked value whose numbers or labels differ between two snapshots, in book order."""
    changes = []
    for page, shown in new.items():
        before = old.get(page, {"figures": {}, "tables": {}, "values": {}})
        for kind, differ in (("figure", _figure_changes), ("table", _table_changes)):
            items, previous = shown[f"{kind}s"], before[f"{kind}s"]
            empty = {"caption": "", "rows": {}, "cells": {}}
            for ident in [*items, *(i for i in previous if i not in items)]:
                found = differ(previous.get(ident, empty), items.get(ident, empty))
                if found:
                    section = (items.get(ident) or previous[ident])["section"]
                    changes.append({"kind": kind, "id": ident, "chapter": page, "section": section, "values": found})
        values, previous = shown["values"], before["values"]
        for key in [*values, *(k for k in previous if k not in values)]:
            now, then = values.get(key), previous.get(key)
            if now and then and now["text"] == then["text"]:
                continue
            item = now or then
            changes.append(
                {
                    "kind": "value",
                    "id": item["section"] or page,
                    "chapter": page,
                    "section": item["section"],
                    "values": [
                        _change(
                            "value in the text",
                            then["text"] if then else "(not shown)",
                            now["text"] if now else "(no longer shown)",
                            item["source"],
                        )
                    ],
                }
            )
    return changes


def summary(changes: list[dict], first: bool = False) -> str:
    """One line: how many figures, tables and values a reader sees changed."""
    if first:
        return "change report: first build here, so nothing to compare with (later builds list what changed)"
    if not changes:
        return "change report: nothing a reader sees changed since the last build"
    counts = {kind: sum(1 for c in changes if c["kind"] == kind) for kind in ("figure", "table", "value")}
    names = {"figure": "figure(s)", "table": "table(s)", "value": "value(s) in the text"}
    listed = ", ".join(f"{n} {names[k]}" for k, n in counts.items() if n)
    return f"change report: {listed} changed since the last build (details in {REPORT})"


def lines(changes: list[dict]) -> list[str]:
    """The report as printed: one line per figure, table or value, then one per changed value."""
    out = []
    for change in changes:
        out.append(f"  {change['kind']} {change['id']} ({change['chapter']})")
        for value in change["values"]:
            source = f"  [{value['source']}]" if value["source"] else ""
            out.append(f"      {value['what']}: {value['old']} -> {value['new']}{source}")
    return out


def report(out: Path, cache: Path, pages: list[str], quiet: bool = False) -> list[dict]:
    """Compare the built site `out` with the last build's snapshot; print the report and save both.

    Prints every change (only the summary line when `quiet`), writes
    `out/changes.json`, and keeps this build's snapshot in `cache` for the next.
    """
    path = cache / SNAPSHOT
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
        before = saved["pages"] if saved.get("output") == str(out) else None  # another folder: not "last"
    except (OSError, ValueError, KeyError, AttributeError):
        before = None
    now = take(out, pages, before)
    changes = [] if before is None else compare(before, now)
    line = summary(changes, first=before is None)
    print(line, flush=True)
    if not quiet:
        for text in lines(changes):
            print(text, flush=True)
    _write(out / REPORT, {"summary": line, "changes": changes})
    cache.mkdir(parents=True, exist_ok=True)
    _write(path, {"output": str(out), "pages": now}, indent=None)  # the build's own memory: compact is quicker
    return changes


def unchanged(out: Path) -> None:
    """The report of a build that rebuilt nothing: print it, and say so in `out/changes.json`."""
    line = summary([])
    print(line, flush=True)
    if out.is_dir():
        _write(out / REPORT, {"summary": line, "changes": []})


def _write(path: Path, data, indent: int | None = 1) -> None:
    # json's C encoder only runs without `indent`: a report for people is indented, the snapshot is not.
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(data, indent=indent, ensure_ascii=False) + "\n", encoding="utf-8")
    temporary.replace(path)
