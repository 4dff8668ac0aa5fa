#!/usr/bin/env python3
"""Post-render step: everything the book publishes besides its pages.

Declared in _quarto.yml as `project: post-render:`; `quarto render` runs it
after rendering, and swbook runs the same script on its staging folder before
the swap, with the same environment (Quarto's variables):
QUARTO_PROJECT_OUTPUT_DIR (the rendered site) and QUARTO_PROJECT_OUTPUT_FILES
(its pages, one a line, in book order). It runs in the project folder.

It writes, from the data package and the rendered pages alone:
- sources/<survey>.html: each raw source text as numbered, linkable lines;
- data/: the described data files, CITATION.cff, LICENSE and one zip of them;
- figures/<label>.csv: the rows each figure plots (carried in its page as
  `script.sw-data`);
- assets/search-index.js: the search index of the pages.
Names a source meant to redact (data/redactions.csv, required) are masked as
the source's own `<Council Name>` in all of it and in the pages; text cells
that a spreadsheet would run as a formula are written safely. Last, every
published file (zip members and the PDF's text included) is scanned, and any
listed name left fails the step with where it was found; a file with the same
bytes as one the last scan found clean under the same names is not read again
(.swbook-cache/publish-scanned.json), and each part made from one input (a
source's viewer, a page's figure tables, search entries and correction places)
is made once for the same input (.swbook-cache/publish/, see `Memo`).

Exit status 1 with `publish: file:line: problem (expected ...)` lines on failure.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import os
import re
import stat
import sys
import zipfile
from pathlib import Path

from swbook.mime import ROW_COLUMNS
from swbook.sealed import read_verified, write_verified
from swsurveys.release import current, data_zip

MASK = "<Council Name>"
NOT_PUBLISHED = {"redactions"}  # data package resources that are never published
PROJECT_DOWNLOADS = ("CITATION.cff", "LICENSE")
# A figure's CSV: its plotted rows, `lines` and `derived` folded into `line` and `status` (`_figure_row`);
# the survey column names each row's source, as in the data package (`source`, its title, is for the page).
FIGURE_COLUMNS = [c for c in ROW_COLUMNS if c not in {"lines", "derived", "shown", "source"}]
TEXT_SUFFIXES = {".html", ".js", ".css", ".csv", ".json", ".txt", ".md", ".cff", ".xml", ".svg", ".bib", ""}


class Failed(Exception):
    """A problem a person can act on; the message names file and line."""


# ----------------------------------------------------------------------------- redactions


class Redactions:
    """The names a source meant to redact, and how to find them in any text.

    A name is matched in any case, as a whole word, with any white space between
    its words (a line break in the PDF's text). A bare abbreviation of one
    or two letters (such as "CC", also Creative Commons) is matched only with
    the words that stand either side of it on its source line.
    """

    def __init__(self, rows: list[dict]):
        self.rows = rows
        self.by_source: dict[str, list[re.Pattern]] = {}
        self.everywhere: list[tuple[str, re.Pattern]] = []
        # The words each pattern needs, lower-cased: a text without all of them cannot match, and a plain
        # search for them is far quicker than the pattern (a bare "CC" stands in half the words of a page).
        self.words: dict[re.Pattern, tuple[str, ...]] = {}
        # What was scanned clean under another list of names is scanned again (`scan`).
        self.digest = hashlib.sha256(json.dumps(rows, sort_keys=True).encode()).hexdigest()[:16]
        for row in rows:
            pattern = self._pattern(row)
            self.by_source.setdefault(row["source"], []).append(pattern)
            self.everywhere.append((row["name"], pattern))
            self.words[pattern] = tuple(w.lower() for w in (*row["name"].split(), *row.get("context", ())))

    def may_match(self, pattern: re.Pattern, lower: str) -> bool:
        """Whether the lower-cased text holds every word `pattern` needs (if not, it cannot match)."""
        return all(word in lower for word in self.words[pattern])

    @staticmethod
    def _pattern(row: dict) -> re.Pattern:
        # A name of several words may be broken over two lines (the PDF's text, a wrapped CSV cell).
        name = r"\s+".join(re.escape(word) for word in row["name"].split())
        if len(row["name"]) > 2:
            return re.compile(rf"(?<![A-Za-z])(){name}()(?![A-Za-z])", re.I)
        before, after = row["context"]
        return re.compile(rf"(\b{re.escape(before)}\s+){name}(\s+{re.escape(after)}\b)", re.I)

    def candidates(self, text: str) -> list[re.Pattern]:
        """The patterns that may match somewhere in `text` (a whole file, before masking its parts)."""
        lower = text.lower()
        return [pattern for _, pattern in self.everywhere if self.may_match(pattern, lower)]

    def mask(self, text: str, patterns=None) -> str:
        """`text` with every listed name replaced by the source's own placeholder."""
        if patterns is not None and not patterns:
            return text
        lower = text.lower()
        for _, pattern in self.everywhere:
            if (patterns is None or pattern in patterns) and self.may_match(pattern, lower):
                text = pattern.sub(lambda m: f"{m.group(1)}{MASK}{m.group(2)}", text)
        return text

    def mask_html(self, text: str, patterns=None) -> str:
        """As `mask`, for HTML: the placeholder escaped, names found in text and attributes alike."""
        masked = self.mask(text, patterns)
        return masked.replace(MASK, html.escape(MASK)) if masked != text else text

    def found(self, text: str) -> list[str]:
        return [name for name, pattern in self.everywhere if pattern.search(text)]


def read_redactions(root: Path) -> Redactions:
    """data/redactions.csv, checked: it must exist, and each name must stand on its line of its source."""
    path = root / "data" / "redactions.csv"
    where = "data/redactions.csv"
    if not path.is_file():
        raise Failed(
            f"{where}: not found (expected the names the sources meant to redact, with columns "
            f"source, line, name; an empty list needs the header line)"
        )
    try:
        rows = read_csv(path)
    except (UnicodeDecodeError, csv.Error) as error:
        raise Failed(f"{where}: cannot be read: {error} (expected UTF-8 CSV)") from None
    if not rows and path.read_text(encoding="utf-8").strip().split(",") != ["source", "line", "name"]:
        raise Failed(f"{where}:1: header is not source,line,name")
    problems = []
    for number, row in enumerate(rows, 2):
        missing = [c for c in ("source", "line", "name") if not (row.get(c) or "").strip()]
        if missing:
            problems.append(f"{where}:{number}: {', '.join(missing)} empty (expected source, line and name)")
            continue
        raw = root / "data" / "raw" / f"{row['source']}.txt"
        if not raw.is_file():
            problems.append(
                f"{where}:{number}: source {row['source']!r} has no raw text (expected a survey id "
                f"with data/raw/{row['source']}.txt)"
            )
            continue
        lines = raw.read_text(encoding="utf-8").split("\n")
        if not row["line"].isdigit() or not 1 <= int(row["line"]) <= len(lines):
            problems.append(
                f"{where}:{number}: line {row['line']!r} is not a line of {raw.name} (expected 1 to {len(lines)})"
            )
            continue
        text = lines[int(row["line"]) - 1]
        if len(row["name"]) <= 2:
            context = re.search(rf"(\w+)\s+{re.escape(row['name'])}\s+(\w+)", text)
            if not context:
                problems.append(
                    f"{where}:{number}: {row['name']!r} does not stand between two words on line "
                    f"{row['line']} of {raw.name} (expected the abbreviation as the source prints it)"
                )
                continue
            row["context"] = context.groups()
        elif row["name"].lower() not in text.lower():
            problems.append(
                f"{where}:{number}: {row['name']!r} is not on line {row['line']} of {raw.name} "
                f"(expected the name as the source prints it)"
            )
    if problems:
        raise Failed("\n".join(problems))
    return Redactions(rows)


# ----------------------------------------------------------------------------- memo


class Memo:
    """What this step made from one input before, kept under a digest of that input in .swbook-cache/publish/.

    A build mostly publishes what the last one did (a one-value fix changes a
    few pages), so a part made from a single input is kept under the digest of
    that input, the names masked and this script's own code, and is made again
    only when one of them changes. Entries are sealed (`swbook.sealed`): one
    damaged or edited is made again, and the folder is safe to delete (swbook
    keeps it under a size limit).
    """

    def __init__(self, root: Path, redactions: Redactions) -> None:
        self.folder = root / ".swbook-cache" / "publish"
        self._salt = f"{_digest(Path(__file__).read_bytes())}:{redactions.digest}"

    NONE = object()  # nothing kept (a kept value may be None)

    def get(self, kind: str, inputs: tuple[str, ...], make):
        """What `make()` returns (plain JSON data) for these `inputs`: kept from before when they were seen."""
        value = self.kept(kind, inputs)
        if value is Memo.NONE:
            value = make()
            self.keep(kind, inputs, value)
        return value

    def kept(self, kind: str, inputs: tuple[str, ...]):
        """What was kept for these `inputs`, or `Memo.NONE`."""
        kept = read_verified(self._path(kind, inputs))
        try:
            return Memo.NONE if kept is None else json.loads(kept)
        except ValueError:
            return Memo.NONE  # not what this code writes: made again

    def keep(self, kind: str, inputs: tuple[str, ...], value) -> None:
        """Keep `value` (plain JSON data) for these `inputs`."""
        try:
            write_verified(self._path(kind, inputs), json.dumps(value, ensure_ascii=False))
        except OSError:
            pass  # a read-only project makes it every time

    def _path(self, kind: str, inputs: tuple[str, ...]) -> Path:
        digest = hashlib.sha256(f"{self._salt}\0{kind}".encode())
        for part in inputs:
            digest.update(b"\0" + part.encode())
        return self.folder / f"{kind}-{digest.hexdigest()}.json"


# ----------------------------------------------------------------------------- CSV


def read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


_NUMBER = re.compile(r"[-+]?\d[\d,]*(\.\d+)?%?")


def safe_cell(value: str) -> str:
    """A text cell a spreadsheet would run as a formula (=, +, -, @ first) gets a leading apostrophe.

    A lone "-" (a printed token) or a signed number is data and stays as it is.
    """
    if value[:1] in ("=", "+", "-", "@", "\t", "\r") and value != "-" and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def csv_text(columns: list[str], rows: list[dict], redactions: Redactions) -> str:
    """`rows` as CSV text under a header of `columns`, names masked and every cell formula-safe."""
    handle = io.StringIO(newline="")
    writer = csv.DictWriter(handle, columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    cells = [[_cell(row.get(k)) for k in columns] for row in rows]
    # Only the names that stand somewhere in these rows are looked for cell by cell.
    patterns = redactions.candidates("\n".join("\t".join(row) for row in cells))
    for row in cells:
        writer.writerow({k: safe_cell(redactions.mask(cell, patterns)) for k, cell in zip(columns, row)})
    return handle.getvalue()


def _cell(value) -> str:
    if value is None:
        return ""
    return f"{value:g}" if isinstance(value, float) else str(value)


# A cell that may start as a formula does (see `safe_cell`): at a line's start or after a comma, quoted or not.
_FORMULA_START = re.compile(r'(?:^|,)"?[-=+@\t\r]', re.M)


def publish_csv(source: Path, target: Path, redactions: Redactions, memo: Memo) -> None:
    """Copy a data CSV byte for byte, unless a cell must be masked or made formula-safe."""
    text = source.read_text(encoding="utf-8")
    target.parent.mkdir(parents=True, exist_ok=True)
    fixed = memo.get("csv", (text,), lambda: _safe_csv(text, redactions))
    if fixed is None:
        target.write_bytes(source.read_bytes())
    else:
        target.write_text(fixed, encoding="utf-8", newline="")


def _safe_csv(text: str, redactions: Redactions) -> str | None:
    """A data CSV's text with its names masked and its cells formula-safe; None when it needs neither."""
    # A name in any cell is a name in the file's text, so a file whose text holds none is masked cell by cell
    # for nothing; likewise a file where no cell can start like a formula.
    names = redactions.mask(text) != text
    if not names and not _FORMULA_START.search(text):
        return None
    rows = list(csv.reader(io.StringIO(text, newline="")))
    fixed = [[safe_cell(redactions.mask(cell) if names else cell) for cell in row] for row in rows]
    if fixed == rows:
        return None
    handle = io.StringIO(newline="")
    csv.writer(handle, lineterminator="\n").writerows(fixed)
    return handle.getvalue()


# ----------------------------------------------------------------------------- parts


def write_sources(root: Path, out: Path, redactions: Redactions, memo: Memo) -> None:
    """Each raw source as a page of numbered, linkable lines (sources/<survey>.html#L12)."""
    template = (Path(__file__).with_name("source.html")).read_text(encoding="utf-8")
    raw_dir = (root / "data" / "raw").resolve()
    for number, survey in enumerate(read_csv(root / "data" / "surveys.csv"), 2):
        path = (root / "data" / survey["raw_file"]).resolve()
        if raw_dir not in path.parents:
            raise Failed(
                f"data/surveys.csv:{number}: raw_file {survey['raw_file']!r} is outside data/raw "
                f"(expected raw/<survey>.txt)"
            )
        raw = path.read_text(encoding="utf-8")
        inputs = (template, json.dumps(survey, sort_keys=True), raw)
        page = memo.get("source", inputs, lambda: _source_page(template, survey, raw, redactions))
        (out / "sources").mkdir(parents=True, exist_ok=True)
        (out / "sources" / f"{survey['id']}.html").write_text(page, encoding="utf-8")


def _source_page(template: str, survey: dict, raw: str, redactions: Redactions) -> str:
    """The viewer of one raw source: its lines numbered, each a link to itself, the source's names masked."""
    lines = redactions.mask(raw, redactions.by_source.get(survey["id"], [])).split("\n")
    body = "\n".join(
        f'<tr id="L{n}"><th scope="row"><a href="#L{n}">{n}</a></th><td>{html.escape(line)}</td></tr>'
        for n, line in enumerate(lines, 1)
    )
    return (
        template.replace("$title$", html.escape(survey["title"]))
        .replace("$short$", html.escape(survey.get("short_title") or survey["id"]))
        .replace("$publisher$", html.escape(survey["publisher"]))
        .replace("$count$", str(len(lines)))
        .replace("$sha$", html.escape(survey["sha256"]))
        .replace("$lines$", body)
    )


def write_data(root: Path, out: Path, redactions: Redactions, memo: Memo) -> None:
    """The described data files, the project's citation and licence, and one zip of them all.

    data/raw (inputs, with the names the 2018 source meant to redact) and
    data/redactions.csv are never published.
    """
    source, target = root / "data", out / "data"
    package = json.loads((source / "datapackage.json").read_text(encoding="utf-8"))
    package["resources"] = [r for r in package["resources"] if r["name"] not in NOT_PUBLISHED]
    paths = {r["path"] for r in package["resources"]}
    paths |= {r["schema"] for r in package["resources"] if isinstance(r.get("schema"), str)}
    for relative in sorted(paths):
        if relative.endswith(".csv"):
            publish_csv(source / relative, target / relative, redactions, memo)
        else:
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            (target / relative).write_text(
                redactions.mask((source / relative).read_text(encoding="utf-8")), encoding="utf-8"
            )
    (target / "datapackage.json").write_text(
        redactions.mask(json.dumps(package, indent=2, ensure_ascii=False)) + "\n", encoding="utf-8"
    )
    for name in PROJECT_DOWNLOADS:
        if (root / name).exists():
            (target / name).write_text(redactions.mask((root / name).read_text(encoding="utf-8")), encoding="utf-8")
    edition = current(root)
    zip_name = data_zip(edition)  # named with this release's version (CITATION.cff)
    # Every member dated with the release, not with this build's clock: the same data makes the same zip,
    # so a reader's copy of a release can be checked against it byte for byte.
    stamp = _zip_date(edition)
    with zipfile.ZipFile(target / zip_name, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(target.rglob("*")):
            if path.is_file() and path.name != zip_name:
                member = zipfile.ZipInfo(
                    f"childrens-social-work-surveys-data/{path.relative_to(target).as_posix()}", stamp
                )
                member.compress_type, member.external_attr = zipfile.ZIP_DEFLATED, (stat.S_IFREG | 0o644) << 16
                archive.writestr(member, path.read_bytes())


def _zip_date(edition) -> tuple[int, int, int, int, int, int]:
    """A zip member's date: the release date (CITATION.cff), or the zip format's first day (1980-01-01) when none
    is named or it is earlier."""
    day = edition.released_date
    if day and day.year > 2107:  # the last year a zip can hold
        raise Failed(
            f"CITATION.cff: date-released {edition.released!r} is past 2107 (expected the release's date, YYYY-MM-DD)"
        )
    return (day.year, day.month, day.day, 0, 0, 0) if day and day.year >= 1980 else (1980, 1, 1, 0, 0, 0)


_FIGURE_DATA = re.compile(r'<script type="application/json" class="sw-data"[^>]*>(.*?)</script>', re.S)
_FIGURE_ID = re.compile(r'id="(fig-[\w-]+?)(?:-cap(?:tion)?)?"')  # the figure, not its caption


def write_figure_data(out: Path, texts: dict[Path, str], redactions: Redactions, memo: Memo) -> None:
    """figures/<label>.csv for every figure in the pages: the rows it plots, from its own HTML."""
    for page, text in texts.items():
        where = page.relative_to(out).as_posix()
        inputs = (where, ",".join(FIGURE_COLUMNS), text)
        for label, table in memo.get("figures", inputs, lambda: _figure_tables(where, text, redactions)):
            (out / "figures").mkdir(parents=True, exist_ok=True)
            (out / "figures" / f"{label}.csv").write_text(table, encoding="utf-8", newline="")


def _figure_tables(where: str, text: str, redactions: Redactions) -> list[list[str]]:
    """[label, CSV text] for each figure of one page."""
    tables = []
    for match in _FIGURE_DATA.finditer(text):
        labels = _FIGURE_ID.findall(text, 0, match.start())
        if not labels:
            raise Failed(
                f"{where}: a chart's data stands outside any figure (expected it inside the element with its fig- id)"
            )
        rows = json.loads(html.unescape(match.group(1)) if "&quot;" in match.group(1) else match.group(1))
        tables.append([labels[-1], csv_text(FIGURE_COLUMNS, [_figure_row(r) for r in rows], redactions)])
    return tables


def _figure_row(row: dict) -> dict:
    """A plotted row as published: a derived or linked value lists every line it is built from ("903; 904")
    and its status says "derived", so no row of a figure's CSV lacks its source lines."""
    lines = str(row.get("lines") or row.get("line") or "").replace(",", ";")
    row = dict(row, line="; ".join(part.strip() for part in lines.split(";") if part.strip()))
    if row.get("derived") is True:
        row["status"] = "derived"
    return row


_NOTICE = re.compile(r'<[^>]*\bdata-correction="(correction-[0-9a-f]+)"')
_PLACES = re.compile(r'<span class="correction-places" data-for="(correction-[0-9a-f]+)">.*?</span>', re.S)
_ANCHOR = re.compile(r'\bid="((?:fig|tbl|sec)-[\w-]+?)(?:-cap(?:tion)?)?"')  # a figure, not its caption
_HEADING = re.compile(r"<h1[^>]*>(.*?)</h1>", re.S)


def write_correction_places(out: Path, texts: dict[Path, str], memo: Memo) -> None:
    """Fill the Corrections appendix's "where it appears" cells with links to each notice's figure or section.

    Every notice carries its correction's id (`data-correction`); the place is
    the figure, table or section it stands in. The appendix marks each cell to
    fill as `span.correction-places[data-for]`.
    """
    places: dict[str, list[tuple[str, str]]] = {}
    for page, text in texts.items():
        url = page.relative_to(out).as_posix()
        for correction, target, label in memo.get("notices", (url, text), lambda: _notices(url, text)):
            entry = places.setdefault(correction, [])
            if (target, label) not in entry:
                entry.append((target, label))
    for page, text in texts.items():
        if "correction-places" not in text:
            continue
        here = page.parent

        def links(match: re.Match) -> str:
            found = places.get(match.group(1), [])
            inner = (
                "; ".join(
                    f'<a href="{html.escape(os.path.relpath(out / target.split("#")[0], here))}'
                    f'{"#" + target.split("#")[1] if "#" in target else ""}">{html.escape(label)}</a>'
                    for target, label in found
                )
                or "not shown in this release"
            )
            return f'<span class="correction-places" data-for="{match.group(1)}">{inner}</span>'

        page.write_text(_PLACES.sub(links, text), encoding="utf-8")


def _notices(url: str, text: str) -> list[list[str]]:
    """[correction, place, its name] for each correction notice of one page, in page order."""
    title = _HEADING.search(text)
    chapter = _plain(re.sub(r'<span class="chapter-number">(.*?)</span>', r"\1", title.group(1))) if title else ""
    notices = []
    for match in _NOTICE.finditer(text):
        anchors = _ANCHOR.findall(text, 0, match.start())
        anchor = anchors[-1] if anchors else ""
        kind = {"fig": "figure", "tbl": "table"}.get(anchor.split("-")[0], "text")
        notices.append([match.group(1), f"{url}#{anchor}" if anchor else url, f"{chapter} ({kind})"])
    return notices


_MAIN = re.compile(r"<main\b[^>]*>(.*)</main>", re.S)
_SECTION = re.compile(r'<section id="([^"]+)"[^>]*>\s*<h[23][^>]*>(.*?)</h[23]>(.*?)(?=<section |</section>)', re.S)
_TITLE = re.compile(r"<h1[^>]*>(.*?)</h1>", re.S)
_TAGS = re.compile(r"<[^>]+>")


def _plain(fragment: str) -> str:
    return " ".join(html.unescape(_TAGS.sub(" ", fragment)).split())[:4000]


# Not searched: chart code and its fallback, Table toggles, the download links under figures, and the chapter's own
# header (its title is an entry's `title`).
_NOT_SEARCHED = re.compile(
    r"<script.*?</script>|<noscript.*?</noscript>|<details.*?</details>"
    r'|<span class="figure-downloads">.*?</span>'
    r'|<header class="chapter-header">.*?</header>',
    re.S,
)


def search_entries(page_html: str, url: str) -> list[dict]:
    """Searchable text of a page: one entry for the chapter (its title, its opening text) and one per section.

    `title` is the chapter's title in every entry and `section` the section's
    heading ("" for the chapter's own entry), so the search can weigh a
    chapter's title, a section's heading and running text differently (see
    book.js). A figure's Table toggle repeats the figure's values and is left
    out; its caption and source note stay.
    """
    main = _MAIN.search(page_html)
    body = main.group(1) if main else page_html
    heading = _TITLE.search(body)
    body = _NOT_SEARCHED.sub(" ", body)
    title = _plain(re.sub(r'<span class="chapter-number">.*?</span>', "", heading.group(1))) if heading else url
    opening = body.split("<section", 1)[0]
    entries = [{"url": url, "title": title, "section": "", "captions": _captions(opening), "text": _plain(opening)}]
    for ident, section, text in _SECTION.findall(body):
        entries.append(
            {
                "url": f"{url}#{ident}",
                "title": title,
                "section": _plain(section),
                "captions": _captions(text),
                "text": _plain(text),
            }
        )
    return [e for e in entries if e["text"] or e["section"]]


_CAPTION = re.compile(r'<caption>(.*?)</caption>|<div[^>]*class="figure-caption"[^>]*>(.*?)</div>', re.S)


def _captions(fragment: str) -> str:
    """The figure and table captions of a section: titles in their own right, weighed above running text."""
    return " ".join(_plain(table or figure) for table, figure in _CAPTION.findall(fragment))


def write_search_index(out: Path, texts: dict[Path, str], memo: Memo) -> None:
    entries = []
    for page, text in texts.items():
        url = page.relative_to(out).as_posix()
        entries += memo.get("search", (url, text), lambda: search_entries(text, url))
    index = json.dumps(entries, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    (out / "assets").mkdir(parents=True, exist_ok=True)
    (out / "assets" / "search-index.js").write_text(f"window.SWBOOK_SEARCH = {index};\n", encoding="utf-8")


def mask_pages(pages: list[Path], redactions: Redactions, memo: Memo) -> dict[Path, str]:
    """Mask the names in each page where it stands; the pages' text as published, by page."""
    texts = {}
    for page in pages:
        text = page.read_text(encoding="utf-8")
        masked = memo.get("masked", (text,), lambda: _changed(text, redactions.mask_html(text)))
        if masked is not None:
            page.write_text(masked, encoding="utf-8")
        texts[page] = text if masked is None else masked
    return texts


def _changed(text: str, masked: str) -> str | None:
    return None if masked == text else masked


# ----------------------------------------------------------------------------- the scan


class PdfTexts:
    """The text of every PDF in the site, page by page, read by PDFium meanwhile; a page seen before is not read.

    PDFium (pypdfium2) reads the book's text in half of poppler's time and a
    tenth of pypdf's, but still takes most of this step on a 200-page book,
    of which a one-value fix changes a few pages. So each page's text is kept
    (`Memo`) under a digest of everything it is read from (`page_digests`),
    and only pages with a new digest are read: in processes of their own when
    there are many (each reading a run of pages, on every core while this one
    writes the rest of the site; in a thread it would wait for this one's
    interpreter), here when there are few.
    """

    PARTS = 2  # processes per PDF: the machine this book is built on has two cores
    FEW = 24  # pages read in this process rather than in others

    def __init__(self, out: Path, memo: Memo, known_clean=lambda digest: False) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self.memo = memo
        self.digests = {path: _digest(path.read_bytes()) for path in sorted(out.rglob("*.pdf"))}
        # A PDF scanned clean before (`scan`) is not read again.
        paths = [path for path, digest in self.digests.items() if not known_clean(digest)]
        self.pages = {path: page_digests(path) for path in paths}
        self.reader = _pdfium_version()  # a page read by another PDFium is read again
        self.known = {
            page: memo.kept("pdf-page", (page, self.reader)) for pages in self.pages.values() for page in pages
        }
        self.reading = {}
        for path, pages in self.pages.items():
            new = [number for number, page in enumerate(pages) if self.known[page] is Memo.NONE]
            if len(new) <= self.FEW:
                self.reading[path] = [(new, None)]
                continue
            reader = ProcessPoolExecutor(max_workers=self.PARTS, mp_context=multiprocessing.get_context("fork"))
            runs = [
                new[part * len(new) // self.PARTS : (part + 1) * len(new) // self.PARTS] for part in range(self.PARTS)
            ]
            self.reading[path] = [(run, reader.submit(_pdf_text, path, run)) for run in runs]
            reader.shutdown(wait=False)

    def text(self, path: Path) -> str:
        """The PDF's text, its pages' in order."""
        read = {}
        for numbers, future in self.reading.pop(path):
            if numbers:
                read.update(zip(numbers, future.result() if future else _pdf_text(path, numbers)))
        texts = []
        for number, page in enumerate(self.pages[path]):
            if number in read:
                self.memo.keep("pdf-page", (page, self.reader), read[number])
                texts.append(read[number])
            else:
                texts.append(self.known[page])
        return "\n".join(texts)


def _pdfium_version() -> str:
    from importlib.metadata import version

    return version("pypdfium2")  # which PDFium it carries, too


def page_digests(path: Path) -> list[str]:
    """Per page of a PDF, a digest of everything its text is read from: its own entries (content streams,
    resources: fonts, images, drawn forms) and the ones it inherits, followed into every object they name.

    Its links (`/Annots`) are left out, as PDFium's page text does not read them, and so is its place in
    the page tree (`/Parent`, once the inherited entries are taken from it) and in the structure tree.
    The fonts are in every page's digest, so a change that brings a new character into the book (a new
    glyph in a font's subset) has every page read again; a fixed number does not. A PDF that cannot be
    read fails the step, naming it.
    """
    import pikepdf

    try:
        document = pikepdf.open(path)
    except (pikepdf.PdfError, OSError) as error:
        raise Failed(f"{path.name}: cannot read the PDF to scan it for redacted names: {error}") from None
    made: dict[tuple[int, int], bytes] = {}  # an object's digest, by its number: fonts are shared by every page

    def add(value, digest, seen: frozenset) -> bool:
        """Add `value` to `digest`; False if an object that names itself was cut short on the way."""
        if isinstance(value, pikepdf.Object) and value.is_indirect:
            number = value.objgen
            if number in seen:  # an object that names itself, through others
                digest.update(b"again")
                return False
            if number in made:
                digest.update(made[number])
                return True
            own = hashlib.sha256()
            whole = add_direct(value, own, seen | {number})
            if whole:  # one cut short depends on the way it was reached: never kept
                made[number] = own.digest()
            digest.update(own.digest())
            return whole
        return add_direct(value, digest, seen)

    def add_direct(value, digest, seen: frozenset, leave=()) -> bool:
        whole = True
        if isinstance(value, pikepdf.Stream):
            digest.update(b"stream" + value.read_raw_bytes())
        if isinstance(value, (pikepdf.Dictionary, pikepdf.Stream)):
            for key in sorted(value.keys()):
                if key not in leave:
                    digest.update(key.encode())
                    whole = add(value[key], digest, seen) and whole
        elif isinstance(value, pikepdf.Array):
            digest.update(b"[")
            for item in value:
                whole = add(item, digest, seen) and whole
            digest.update(b"]")
        elif isinstance(value, pikepdf.Object):
            digest.update(value.unparse())  # a name or string as its bytes stand in the file
        else:
            digest.update(repr(value).encode())  # a number or flag, as pikepdf gives it
        return whole

    out = []
    with document:
        for page in document.pages:
            digest = hashlib.sha256()
            add_direct(page.obj, digest, frozenset(), leave=("/Parent", "/Annots", "/StructParents"))
            parent = page.obj.get("/Parent")
            while parent is not None:  # the entries a page may inherit from the page tree
                for key in ("/Resources", "/MediaBox", "/CropBox", "/Rotate"):
                    if key not in page.obj and key in parent:
                        digest.update(key.encode())
                        add(parent[key], digest, frozenset())
                parent = parent.get("/Parent")
            out.append(digest.hexdigest())
    return out


def _pdf_text(path: Path, numbers: list[int]) -> list[str]:
    """The text of the PDF's pages `numbers` (counted from 0). A PDF that cannot be read fails the step, naming it."""
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(path)
    except pypdfium2.PdfiumError as error:
        raise Failed(f"{path.name}: cannot read the PDF to scan it for redacted names: {error}") from None
    pages = []
    try:
        for number in numbers:
            page = document[number]
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range())
            textpage.close()
            page.close()
    finally:
        document.close()
    return pages


def published_files(out: Path, pdfs: PdfTexts):
    """(where, digest of its bytes, texts) for every published file, zip members one by one.

    `texts()` gives what to scan: a PDF's text, an HTML page as written and as
    read (names split by markup or written as entities), any other file's text.
    PDFs come last, so the other files are scanned while PDFium still reads them.
    """
    for path in sorted(out.rglob("*"), key=lambda path: (path.suffix == ".pdf", path)):
        if not path.is_file():
            continue
        where = path.relative_to(out).as_posix()
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as archive:
                for member in archive.namelist():
                    data = archive.read(member)
                    yield f"{where}:{member}", _digest(data), lambda data=data: [data.decode("utf-8", "replace")]
        elif path.suffix == ".pdf":
            yield where, pdfs.digests[path], lambda path=path: [pdfs.text(path)]
        elif path.suffix in TEXT_SUFFIXES:
            data = path.read_bytes()
            yield where, _digest(data), lambda data=data, page=path.suffix == ".html": _texts(data, page)


def _texts(data: bytes, page: bool) -> list[str]:
    text = data.decode("utf-8", "replace")
    return [text, html.unescape(_TAGS.sub("", text))] if page else [text]


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _scan_key(redactions: Redactions, viewer_of: str, digest: str) -> str:
    """What a file found clean is remembered by: the names looked for, whose viewer it is, its bytes."""
    return f"{redactions.digest}:{viewer_of}:{digest}"


def scan(
    out: Path, redactions: Redactions, surveys: list[dict], pdfs: PdfTexts, clean: frozenset = frozenset()
) -> tuple[list[str], set[str]]:
    """Every listed name still published, as `file:line: name`, and the keys of the files found clean.

    A file whose key (its bytes' digest, under these redactions) is in `clean`
    was scanned clean before and is not read again. Another source's own viewer
    may name places: a viewer is scanned only for its own source's names.
    """
    viewers = {f"sources/{s['id']}.html": s["id"] for s in surveys}
    leaks, found_clean = set(), set()
    for where, digest, texts in published_files(out, pdfs):
        key = _scan_key(redactions, viewers.get(where, ""), digest)
        if key in clean:
            found_clean.add(key)
            continue
        leaked = False
        for text in texts():
            lower = text.lower()
            for row, (name, pattern) in zip(redactions.rows, redactions.everywhere):
                if not redactions.may_match(pattern, lower) or viewers.get(where, row["source"]) != row["source"]:
                    continue  # the plain search first: most files hold no name at all
                match = pattern.search(text)
                if match:
                    line = text.count("\n", 0, match.start()) + 1
                    leaks.add(f"{where}:{line}: {name!r} is published (expected it masked as {MASK})")
                    leaked = True
        if not leaked:
            found_clean.add(key)
    return sorted(leaks), found_clean


# ----------------------------------------------------------------------------- main


def output_pages(out: Path) -> list[Path]:
    """The rendered pages, in book order when the renderer says which they are."""
    listed = [line.strip() for line in os.environ.get("QUARTO_PROJECT_OUTPUT_FILES", "").splitlines() if line.strip()]
    pages = [Path(p) if Path(p).is_absolute() else out / p for p in listed]
    pages = [p for p in pages if p.suffix == ".html" and p.is_file()]
    if not pages:
        pages = sorted(p for p in out.rglob("*.html") if p.relative_to(out).parts[0] not in ("sources", "site_libs"))
    return pages


# The keys of the files the last scan found clean (see `scan`): the project's own memory, never published.
SCANNED = Path(".swbook-cache") / "publish-scanned.json"


def publish(root: Path, out: Path) -> None:
    redactions = read_redactions(root)
    try:
        clean = frozenset(json.loads((root / SCANNED).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        clean = frozenset()
    # The PDF is final already: its text is read while the rest is written.
    memo = Memo(root, redactions)
    pdfs = PdfTexts(out, memo, lambda digest: _scan_key(redactions, "", digest) in clean)
    texts = mask_pages(output_pages(out), redactions, memo)
    write_sources(root, out, redactions, memo)
    write_data(root, out, redactions, memo)
    write_figure_data(out, texts, redactions, memo)
    write_search_index(out, texts, memo)
    write_correction_places(out, texts, memo)
    leaks, found_clean = scan(out, redactions, read_csv(root / "data" / "surveys.csv"), pdfs, clean)
    if leaks:
        raise Failed(
            f"{len(leaks)} published file(s) name what a source meant to redact; nothing may be "
            f"published so:\n" + "\n".join(leaks)
        )
    try:  # only this build's files: the memory never outgrows the site
        (root / SCANNED).parent.mkdir(parents=True, exist_ok=True)
        (root / SCANNED).write_text(json.dumps(sorted(found_clean)), encoding="utf-8")
    except OSError:
        pass  # a read-only project is scanned whole every time


def main() -> int:
    root = Path.cwd()
    if not (root / "_quarto.yml").is_file():
        root = Path(__file__).resolve().parent.parent
    output = os.environ.get("QUARTO_PROJECT_OUTPUT_DIR")
    if not output:
        print(
            "publish: QUARTO_PROJECT_OUTPUT_DIR is not set (expected the rendered site's folder; "
            "quarto render and swbook render set it)",
            file=sys.stderr,
        )
        return 1
    out = Path(output) if Path(output).is_absolute() else root / output
    try:
        publish(root, out)
    except Failed as error:
        print("\n".join(f"publish: {line}" for line in str(error).splitlines()), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
