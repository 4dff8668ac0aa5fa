"""Validate the data package: Table Schema through frictionless, then the rules it cannot express.

Every problem is reported as `path:line: column: problem (expected …)`, and all
problems are collected before anything is reported, so an author fixes them in
one pass. `validate()` returns the list; an empty list means the data are good.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from .csvfiles import read_numbered
from .paths import cache_dir, data_dir
from .rules import observation_problems
from .uncited import KINDS, states_quantity, uncited


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the data, located by file, line and column."""

    path: str
    line: int
    column: str
    message: str
    expected: str = ""

    def __str__(self) -> str:
        expected = f" (expected {self.expected})" if self.expected else ""
        return f"{self.path}:{self.line}: {self.column}: {self.message}{expected}"


# ---------------------------------------------------------------- frictionless


def _schema_problems(root: Path) -> list[Problem]:
    """Types, required fields, enums, patterns, primary and foreign keys.

    frictionless is most of a validation's time, so each resource's result is
    kept under a digest of everything it was checked against (its file, its
    descriptor and schema, and the resources its foreign keys point at, see
    `_resource_digests`); only resources whose digest is new are checked again,
    beside the resources they refer to. The kept results live in
    `frictionless/` in the cache folder (`paths.cache_dir`); deleting it costs time only.
    """
    import json

    from frictionless import Package  # imported here: chapters import swsurveys but rarely validate

    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    references = {r["name"]: _referenced(root, r) for r in descriptor["resources"]}
    digests = _resource_digests(root, descriptor, references)
    kept = cache_dir(root) / "frictionless"
    problems, stale = [], []
    for resource in descriptor["resources"]:
        known = _kept_problems(kept / f"{digests[resource['name']]}.json")
        if known is None:
            stale.append(resource["name"])
        else:
            problems += known
    if not stale:
        return problems
    needed = set(stale) | {other for name in stale for other in references[name]}
    checked = {**descriptor, "resources": [r for r in descriptor["resources"] if r["name"] in needed]}
    report = Package(checked, basepath=str(root)).validate(limit_errors=FRICTIONLESS_LIMIT)
    keys = _primary_keys(root)
    for task in report.tasks:
        found = _task_problems(root, task, keys)
        if task.name in stale:
            problems += found
            if not report.errors:
                _keep_problems(kept / f"{digests[task.name]}.json", found)
    for error in report.errors:
        problems.append(Problem("data/datapackage.json", 1, "-", error.message))
    return problems


def _task_problems(root: Path, task, keys: dict[str, str]) -> list[Problem]:
    """The problems frictionless found in one resource, located by file line."""
    path = f"data/{task.place}"
    lines = _record_lines(root / task.place)
    problems = [_from_frictionless(path, error, lines, keys.get(task.place, "primary key")) for error in task.errors]
    if any("error limit" in warning for warning in task.warnings):
        last = max((p.line for p in problems), default=1)
        problems.append(
            Problem(
                path,
                last,
                "-",
                f"frictionless stopped after {FRICTIONLESS_LIMIT} errors in this file; there may be more",
                "fix these and run again to see the rest",
            )
        )
    return problems


def _referenced(root: Path, resource: dict) -> set[str]:
    """The resources that `resource`'s foreign keys point at."""
    import json

    schema = resource.get("schema")
    if isinstance(schema, str):
        try:
            schema = json.loads((root / schema).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            schema = {}  # frictionless reports the unreadable schema itself
    schema = schema if isinstance(schema, dict) else {}
    return {
        key["reference"].get("resource") for key in schema.get("foreignKeys", []) if key["reference"].get("resource")
    }


def _resource_digests(root: Path, descriptor: dict, references: dict[str, set[str]]) -> dict[str, str]:
    """Per resource, a digest of what its frictionless check depends on (and of this code and frictionless):
    its own file, descriptor and schema, and those of the resources its foreign keys point at (`references`)."""
    import json
    from importlib.metadata import version

    def own(resource: dict) -> bytes:
        parts = [json.dumps(resource, sort_keys=True).encode()]
        for path in (resource.get("path"), resource.get("schema") if isinstance(resource.get("schema"), str) else None):
            try:
                parts.append((root / path).read_bytes() if path else b"")
            except OSError:
                parts.append(b"missing")
        return b"\0".join(parts)

    this = Path(__file__).read_bytes() + version("frictionless").encode()
    owns = {r["name"]: own(r) for r in descriptor["resources"]}  # each file read once, however many point at it
    return {
        name: hashlib.sha256(
            b"\0".join([this, owns[name], *(owns[n] for n in sorted(references[name]) if n in owns)])
        ).hexdigest()
        for name in owns
    }


def _kept_problems(path: Path) -> list[Problem] | None:
    import json

    try:
        return [Problem(**fields) for fields in json.loads(path.read_text(encoding="utf-8"))]
    except (OSError, ValueError, TypeError):
        return None  # not kept, or not as this code writes it: check the resource again


def _keep_problems(path: Path, problems: list[Problem]) -> None:
    import json
    import os
    from dataclasses import asdict

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps([asdict(p) for p in problems]), encoding="utf-8")
        temporary.replace(path)
    except OSError:
        pass  # a read-only project still validates; it only checks every resource every time


FRICTIONLESS_LIMIT = 1000


def _record_lines(path: Path) -> list[int]:
    """The file line each CSV record starts on (index 0: the header), as our own rules count lines.

    frictionless numbers records, not lines: a quoted field holding a newline
    would otherwise shift its locations against ours.
    """
    starts = []
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            start = 1
            for _ in reader:
                starts.append(start)
                start = reader.line_num + 1
    except (OSError, UnicodeDecodeError, csv.Error):
        pass
    return starts


def _primary_keys(root: Path) -> dict[str, str]:
    """Each resource's primary key columns ("survey+table+..."), by file, to name them in a duplicate-key problem."""
    import json

    keys = {}
    for resource in json.loads((root / "datapackage.json").read_text(encoding="utf-8"))["resources"]:
        schema = resource.get("schema")
        if isinstance(schema, str):
            schema = json.loads((root / schema).read_text(encoding="utf-8"))
        key = schema.get("primaryKey", []) if isinstance(schema, dict) else []
        keys[resource["path"]] = "+".join([key] if isinstance(key, str) else key)
    return keys


def _from_frictionless(path: str, error, lines: list[int] = (), key: str = "primary key") -> Problem:
    row = getattr(error, "row_number", None) or 1
    line = lines[row - 1] if 0 < row <= len(lines) else row
    column = getattr(error, "field_name", None) or "-"
    cell = getattr(error, "cell", None)
    note = getattr(error, "note", "") or ""
    kind = error.type
    if kind == "type-error":
        return Problem(path, line, column, f"{cell!r} is not of the right type", note.replace("type is", "type", 1))
    if kind == "constraint-error":
        return Problem(path, line, column, f"{cell!r} breaks a constraint", note.replace("constraint ", "", 1))
    if kind == "primary-key":
        first = re.search(r"position (\d+)", note)
        again = (
            f"the same as on line {lines[int(first.group(1)) - 1]}"
            if first and int(first.group(1)) <= len(lines)
            else note
        )
        return Problem(path, line, key, "duplicate key", f"a unique key; {again}")
    if kind == "foreign-key":
        fields = getattr(error, "field_names", None) or ["survey", "table"]
        return Problem(path, line, ", ".join(fields), "refers to a row that does not exist", note)
    return Problem(path, line, column, error.message)


# ---------------------------------------------------------------- our rules


class _Row(dict):
    """A CSV record; a column the file lacks reads as empty (the missing column is reported once, as such)."""

    def __missing__(self, key: str) -> str:
        return ""


def _rows(path: Path):
    """Yield (line number in the file, row) for each CSV record."""
    try:
        stat = Path(path).stat()
        records = _records(str(path), stat.st_mtime_ns, stat.st_size)
    except OSError:
        records = read_numbered(path)  # fails as reading it does
    for line, row in records:
        yield line, _Row(row)


@functools.lru_cache(maxsize=64)
def _records(path: str, mtime_ns: int, size: int) -> tuple:
    # The rules read each observations file several times; parsed once for as long as it is unchanged.
    return tuple(read_numbered(Path(path)))


def _raw_problems(root: Path) -> tuple[list[Problem], dict[str, list[str]]]:
    """Raw files must match the SHA-256 recorded in surveys.csv."""
    problems, raw = [], {}
    raw_folder = (root / "raw").resolve()
    for line, row in _rows(root / "surveys.csv"):
        path = (root / row["raw_file"]).resolve()
        if not path.is_relative_to(raw_folder):
            problems.append(
                Problem(
                    "data/surveys.csv",
                    line,
                    "raw_file",
                    f"{row['raw_file']!r} is outside data/raw/; only the sources there are published",
                    "a file under data/raw/, such as raw/swtf-2009.txt",
                )
            )
            continue
        if not path.is_file():
            problems.append(
                Problem(
                    "data/surveys.csv", line, "raw_file", f"{row['raw_file']} does not exist", "a file under data/raw/"
                )
            )
            continue
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if digest != row["sha256"]:
            problems.append(
                Problem(
                    "data/surveys.csv",
                    line,
                    "sha256",
                    f"{row['raw_file']} has SHA-256 {digest}; the raw file was edited or replaced",
                    row["sha256"],
                )
            )
        try:
            raw[row["id"]] = data.decode("utf-8").split("\n")
        except UnicodeDecodeError as error:
            problems.append(
                Problem(
                    f"data/{row['raw_file']}",
                    data[: error.start].count(b"\n") + 1,
                    "-",
                    f"byte 0x{data[error.start]:02x} is not UTF-8",
                    "a UTF-8 text",
                )
            )
    return problems, raw


_SCALE = re.compile(r"(\d+(?:\.\d+)?)\s*(?:-|–|to)\s*(\d+(?:\.\d+)?)")


def _tolerance(values: list[str]) -> float:
    """Largest rounding error a sum of printed percentages can carry."""
    decimals = max((len(v.split(".")[1]) if "." in v else 0) for v in values)
    return 0.5 * 10**-decimals * len(values)


def _observation_problems(root: Path, raw: dict[str, list[str]], tables: dict, package: dict) -> list[Problem]:
    problems: list[Problem] = []
    for resource in package["resources"]:
        if not resource["name"].startswith("observations-"):
            continue
        path = root / resource["path"]
        shown = f"data/{resource['path']}"
        sums: dict[tuple, list[tuple[int, str]]] = defaultdict(list)
        for line, row in _rows(path):
            problems += _check_row(shown, line, row, raw, tables)
            if row["measure"] == "percent" and _float(row["value"]) is not None and row["category"] != "Total":
                key = (row["survey"], row["table"], row["question"], row["group"])
                sums[key].append((line, row["value"]))
        problems += _check_sums(shown, sums, tables)
    return problems


def _check_row(path: str, line: int, row: dict, raw: dict, tables: dict) -> list[Problem]:
    """The rules one observation must keep on its own."""
    number = _float(row["value"])
    # A value that is not a number at all is frictionless's type error; "empty" would mislead, so only
    # the rules about the printed token and its line are checked for it.
    not_a_number = row["value"] != "" and number is None
    line_number = int(row["line"]) if row["line"].isdigit() else None
    out = [
        Problem(path, line, broken.column, broken.message, broken.expected)
        for broken in observation_problems(
            row["survey"], row["printed"], number, row["status"], line_number, raw.get(row["survey"])
        )
        if not (not_a_number and broken.column in {"value", "status"})
    ]
    if number is not None:
        out += _check_range(path, line, row, number, tables)
    return out


def _check_range(path: str, line: int, row: dict, number: float, tables: dict) -> list[Problem]:
    measure = row["measure"]
    if measure == "percent" and not 0 <= number <= 100:
        return [Problem(path, line, "value", f"percentage {number:g} is outside 0-100", "0 to 100")]
    if measure == "count" and (number < 0 or number != int(number)):
        return [Problem(path, line, "value", f"count {number:g} is not a whole non-negative number", "0, 1, 2, ...")]
    if measure == "fte" and number < 0:
        return [Problem(path, line, "value", f"full-time equivalent {number:g} is negative", "0 or more")]
    if measure == "score":
        unit = tables.get((row["survey"], row["table"]), {}).get("unit", "")
        scale = _SCALE.search(unit)
        if not scale:
            return [
                Problem(
                    path,
                    line,
                    "measure",
                    "a score needs its scale in tables.csv unit",
                    "a unit such as 'mean score, 0-10'",
                )
            ]
        low, high = float(scale.group(1)), float(scale.group(2))
        if not low <= number <= high:
            return [Problem(path, line, "value", f"score {number:g} is outside its scale", f"{low:g} to {high:g}")]
    return []


def _check_sums(path: str, sums: dict, tables: dict) -> list[Problem]:
    """Percentages of one table+question+group must add up as tables.csv says."""
    out = []
    for (survey, table, question, group), cells in sums.items():
        kind = tables.get((survey, table), {}).get("distribution")
        if kind not in {"complete", "partial"}:
            continue
        values = [v for _, v in cells]
        total = sum(float(v) for v in values)
        tolerance = _tolerance(values)
        where = f"{table}" + (f" / {question[:50]}" if question else "") + f" / {group}"
        expected = None  # what the sum should be, said only when it is not
        if kind == "complete" and abs(total - 100) > tolerance:
            expected = f"100 ± {tolerance:g}, as tables.csv marks the distribution complete"
        if kind == "partial" and total > 100 + tolerance:
            expected = f"at most 100 + {tolerance:g} for a partial distribution"
        if expected:
            out.append(Problem(path, cells[0][0], "value", f"percentages of {where} sum to {total:g}", expected))
    return out


def _float(text: str) -> float | None:
    try:
        return float(text) if text != "" else None
    except ValueError:
        return None  # frictionless reports the type error


def _table_problems(root: Path, themes: set[str]) -> tuple[list[Problem], dict]:
    """tables.csv: themes from the vocabulary; lost charts hold no values (checked later)."""
    problems, tables = [], {}
    for line, row in _rows(root / "tables.csv"):
        tables[(row["survey"], row["table"])] = {**row, "_line": line}
        for theme in filter(None, row["themes"].split(";")):
            if theme not in themes:
                problems.append(
                    Problem(
                        "data/tables.csv",
                        line,
                        "themes",
                        f"unknown theme {theme!r}",
                        "a theme listed in data/themes.csv",
                    )
                )
    return problems, tables


def _lost_table_problems(root: Path, tables: dict, package: dict) -> list[Problem]:
    """A lost chart lists what the source no longer holds, so it stores no values."""
    held = set()
    for resource in package["resources"]:
        if resource["name"].startswith("observations-"):
            held |= {(r["survey"], r["table"]) for _, r in _rows(root / resource["path"])}
    return [
        Problem(
            "data/tables.csv",
            info["_line"],
            "quality",
            f"{key[1]} is marked lost but has observations",
            "clean, garbled or prose",
        )
        for key, info in tables.items()
        if info["quality"] == "lost" and key in held
    ]


KEY = ("survey", "table", "question", "category", "group", "measure")


def observation_keys(root: Path, package: dict) -> set[tuple]:
    """The primary keys of every observation in the package."""
    keys = set()
    for resource in package["resources"]:
        if resource["name"].startswith("observations-"):
            keys |= {tuple(row[k] for k in KEY) for _, row in _rows(root / resource["path"])}
    return keys


# Tables that name statements of two surveys: resource -> {column: survey it must name a question of}.
STATEMENT_LINKS = {"ofsted-2010-2012-matches": {"statement_2010": "ofsted-2010", "statement_2012": "ofsted-2012"}}


def _statement_problems(root: Path, package: dict, keys: set[tuple]) -> list[Problem]:
    """Each statement a link table names must be the question of an observation of its survey."""
    questions: dict[str, set[str]] = defaultdict(set)
    for key in keys:
        questions[key[0]].add(key[2])
    problems = []
    for resource in package["resources"]:
        for line, row in _rows(root / resource["path"]) if resource["name"] in STATEMENT_LINKS else ():
            for column, survey in STATEMENT_LINKS[resource["name"]].items():
                if row[column] not in questions[survey]:
                    problems.append(
                        Problem(
                            f"data/{resource['path']}",
                            line,
                            column,
                            f"no {survey} observation has the question {row[column][:60]!r}",
                            f"a question of data/observations/{survey}.csv",
                        )
                    )
    return problems


def _reference_problems(root: Path, package: dict) -> list[Problem]:
    """Rows that point at observations (corrections, crosswalk) must point at real ones."""
    keys = observation_keys(root, package)
    problems = _statement_problems(root, package, keys)
    for resource in package["resources"]:
        if resource["name"] not in {"corrections", "crosswalk"}:
            continue
        for line, row in _rows(root / resource["path"]):
            if tuple(row.get(k, "") for k in KEY) not in keys:
                problems.append(
                    Problem(
                        f"data/{resource['path']}",
                        line,
                        ", ".join(KEY),
                        f"no observation {row.get('survey')}/{row.get('table')}/"
                        f"{row.get('question', '')[:40]}/{row.get('category')}/{row.get('group')}/"
                        f"{row.get('measure')}",
                        "the key of a row in data/observations/<survey>.csv",
                    )
                )
    return problems


def _feature_link_problems(root: Path, package: dict) -> list[Problem]:
    """Each feature-to-indicator link must name an indicator the crosswalk defines."""
    paths = {r["name"]: root / r["path"] for r in package["resources"]}
    if "support-feature-indicators" not in paths or "crosswalk" not in paths:
        return []
    indicators = {row["indicator"] for _, row in _rows(paths["crosswalk"])}
    return [
        Problem(
            f"data/{paths['support-feature-indicators'].name}",
            line,
            "indicator",
            f"{row['indicator']!r} is not an indicator of the crosswalk",
            "an indicator label in data/crosswalk.csv",
        )
        for line, row in _rows(paths["support-feature-indicators"])
        if row["indicator"] not in indicators
    ]


_LINE_NAMED = re.compile(r"\blines? (\d+)")


# Which measures (observations' `measure`) each kind of crosswalk quantity can be read from.
_KIND_MEASURES = {
    "share-agreeing": {"percent"},
    "share-reporting": {"percent"},
    "share-of-councils": {"percent"},
    "share-of-posts": {"percent"},
    "share-of-working-time": {"percent"},
    "mean-score-0-10": {"score"},
    "count": {"count", "mean", "median"},
    "hours": {"hours"},
}


def _crosswalk_kind_problems(root: Path, package: dict) -> list[Problem]:
    """A row's kind fits its measure; the rows added into one value agree; each indicator has rows on its axis.

    Missing kinds and directions and words outside the vocabulary are the Table Schema's enums (above).
    """
    paths = {r["name"]: root / r["path"] for r in package["resources"]}
    if "crosswalk" not in paths or "indicators" not in paths:
        return []
    shown = f"data/{paths['crosswalk'].name}"
    problems, on_axis, summed = [], set(), {}
    axes = {(row["theme"], row["indicator"]): (row["kind"], row["direction"]) for _, row in _rows(paths["indicators"])}
    for line, row in _rows(paths["crosswalk"]):
        measures = _KIND_MEASURES.get(row.get("kind", ""))
        if measures is not None and row["measure"] not in measures:
            problems.append(
                Problem(
                    shown,
                    line,
                    "kind",
                    f"{row['kind']!r} cannot be read from a {row['measure']!r} observation",
                    "a measure of " + " or ".join(sorted(measures)),
                )
            )
        semantics = (row.get("kind", ""), row.get("direction", ""), row.get("bound", ""))
        key = (row["indicator"], row["survey"], row["group"], row["measure"])
        first = summed.setdefault(key, (line, semantics))
        if first[1] != semantics:
            problems.append(
                Problem(
                    shown,
                    line,
                    "kind, direction, bound",
                    f"differs from line {first[0]}, whose value this row is added to",
                    "the same kind, direction and bound on every row of one value",
                )
            )
        if axes.get((row["theme"], row["indicator"])) == semantics[:2]:
            on_axis.add((row["theme"], row["indicator"]))
    for line, row in _rows(paths["indicators"]):
        if (row["theme"], row["indicator"]) not in on_axis:
            problems.append(
                Problem(
                    f"data/{paths['indicators'].name}",
                    line,
                    "kind",
                    f"no crosswalk row of {row['indicator']!r} is a {row['kind']!r} running "
                    f"{row['direction']!r}: its axis would be empty",
                    "the kind and direction of at least one of its crosswalk rows",
                )
            )
    return problems


def _exclusion_problems(root: Path, raw: dict[str, list[str]], package: dict) -> list[Problem]:
    """Each raw line stating a quantity is cited by an observation or excluded with a reason."""
    paths = {r["name"]: root / r["path"] for r in package["resources"]}
    problems = []
    for name, path in paths.items():
        if not name.startswith("observations-"):
            continue
        survey = name[len("observations-") :]
        lines = raw.get(survey)
        if lines is None:
            continue
        cited = {int(row["line"]) for _, row in _rows(path) if row["line"].isdigit()}
        excluded: dict[int, int] = {}
        exclusions = paths.get(f"exclusions-{survey}")
        shown = f"data/{exclusions.relative_to(root).as_posix()}" if exclusions else f"data/exclusions/{survey}.csv"
        for line, row in _rows(exclusions) if exclusions and exclusions.exists() else ():
            if not row["line"].isdigit():
                continue  # frictionless reports the type
            number = int(row["line"])
            excluded[number] = line
            if not 1 <= number <= len(lines):
                problems.append(
                    Problem(shown, line, "line", f"line {number} is outside the raw file", f"1 to {len(lines)}")
                )
            elif number in cited:
                problems.append(
                    Problem(
                        shown,
                        line,
                        "line",
                        f"line {number} is cited by an observation, so it needs no exclusion",
                        "only lines no observation cites",
                    )
                )
            elif not states_quantity(lines[number - 1]):
                problems.append(
                    Problem(
                        shown,
                        line,
                        "line",
                        f"line {number} states no number or verbal quantity",
                        "only lines the uncited-lines check lists",
                    )
                )
            if row.get("kind") == "restatement" and not any(
                int(n) in cited for n in _LINE_NAMED.findall(row.get("reason", ""))
            ):
                problems.append(
                    Problem(
                        shown,
                        line,
                        "reason",
                        "a restatement must name the line of the stored value it repeats",
                        "'line N', where an observation cites line N",
                    )
                )
        for number in uncited(lines, cited):
            if number not in excluded:
                text = lines[number - 1].strip()
                problems.append(
                    Problem(
                        f"data/raw/{survey}.txt",
                        number,
                        "text",
                        f"states a quantity that no observation cites: {text[:80]!r}",
                        f"an observation citing line {number}, or a row in {shown} saying why it holds no finding "
                        f"(kind: {', '.join(KINDS)})",
                    )
                )
    return problems


def _read_package(root: Path) -> tuple[dict | None, list[Problem]]:
    """datapackage.json, or the problems that stop it being read."""
    import json

    shown = "data/datapackage.json"
    try:
        package = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, [Problem(shown, 1, "-", "not found", "the data package's descriptor")]
    except UnicodeDecodeError as error:
        return None, [Problem(shown, 1, "-", f"is not UTF-8: {error.reason}", "a UTF-8 JSON file")]
    except json.JSONDecodeError as error:
        return None, [Problem(shown, error.lineno, f"column {error.colno}", f"not valid JSON: {error.msg}")]
    resources = package.get("resources") if isinstance(package, dict) else None
    if not isinstance(resources, list) or not all(
        isinstance(r, dict) and isinstance(r.get("name"), str) and isinstance(r.get("path"), str) for r in resources
    ):
        return None, [
            Problem(
                shown,
                1,
                "resources",
                "is not a list of resources with a name and a path",
                '"resources": [{"name": ..., "path": ..., "schema": ...}, ...]',
            )
        ]
    return package, []


def _schema_fields(root: Path, resource: dict) -> tuple[list[dict], list[Problem]]:
    import json

    schema = resource.get("schema", {})
    if isinstance(schema, str):
        try:
            schema = json.loads((root / schema).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            return [], [
                Problem(
                    f"data/{resource['schema']}",
                    getattr(error, "lineno", 1),
                    "-",
                    f"the schema of {resource['name']} cannot be read: {error}",
                )
            ]
    fields = schema.get("fields", []) if isinstance(schema, dict) else []
    return [f for f in fields if isinstance(f, dict) and isinstance(f.get("name"), str)], []


def _file_problems(root: Path, package: dict) -> tuple[list[Problem], list[Problem]]:
    """Each described file exists inside data/, is UTF-8 without a byte-order mark and has its schema's columns.

    Returns the problems that leave a file unreadable, then the missing columns (which read as empty).
    """
    problems, columns = [], []
    folder = root.resolve()
    for resource in package["resources"]:
        shown = f"data/{resource['path']}"
        path = (root / resource["path"]).resolve()
        if not path.is_relative_to(folder):
            problems.append(
                Problem(
                    "data/datapackage.json",
                    1,
                    "path",
                    f"resource {resource['name']} points outside data/: {resource['path']}",
                    "a path inside data/",
                )
            )
            continue
        try:
            data = path.read_bytes()
        except OSError as error:
            problems.append(
                Problem(
                    "data/datapackage.json",
                    1,
                    "path",
                    f"resource {resource['name']}: {resource['path']}: {error.strerror}",
                    "an existing file",
                )
            )
            continue
        if data.startswith(b"\xef\xbb\xbf"):
            problems.append(Problem(shown, 1, "-", "starts with a byte-order mark", "UTF-8 without a BOM"))
            continue
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            problems.append(
                Problem(
                    shown,
                    data[: error.start].count(b"\n") + 1,
                    "-",
                    f"byte 0x{data[error.start]:02x} is not UTF-8",
                    "a UTF-8 text (re-save it as UTF-8)",
                )
            )
            continue
        fields, schema_problems = _schema_fields(root, resource)
        problems += schema_problems
        header = next(csv.reader(text.splitlines()[:1]), [])
        missing = [f["name"] for f in fields if f["name"] not in header]
        if missing:
            columns.append(
                Problem(
                    shown,
                    1,
                    ", ".join(missing),
                    "missing from the header row",
                    f"the columns {', '.join(f['name'] for f in fields)}",
                )
            )
    return problems, columns


# A text that a spreadsheet would run as a formula when the CSV is opened (CSV injection).
_FORMULA = re.compile(r"[=+@\t\r]|-[^\W\d]")


def _formula_problems(root: Path, package: dict) -> list[Problem]:
    """No text field starts as a formula would; a lone '-' and negative numbers are data."""
    problems = []
    for resource in package["resources"]:
        fields, _ = _schema_fields(root, resource)
        text_fields = {f["name"] for f in fields if f.get("type", "string") == "string"}
        for line, row in _rows(root / resource["path"]):
            for column in text_fields:
                value = row.get(column) or ""
                if _FORMULA.match(value):
                    problems.append(
                        Problem(
                            f"data/{resource['path']}",
                            line,
                            column,
                            f"{value[:40]!r} starts like a spreadsheet formula",
                            "text that does not start with =, +, @ or - and a letter "
                            "(reword it, e.g. put a word first)",
                        )
                    )
    return problems


def validate(root: Path | None = None) -> list[Problem]:
    """Every problem in the data package, sorted by file and line (empty when valid)."""
    root = Path(root) if root else data_dir()
    package, problems = _read_package(root)
    if package is None:
        return problems
    unreadable, columns = _file_problems(root, package)
    if unreadable:
        return sorted(set(unreadable + columns))  # the rules below need every file readable
    problems = columns + _schema_problems(root)
    raw_problems, raw = _raw_problems(root)
    themes = {row["theme"] for _, row in _rows(root / "themes.csv")}
    table_problems, tables = _table_problems(root, themes)
    problems += raw_problems + table_problems
    problems += _observation_problems(root, raw, tables, package)
    problems += _lost_table_problems(root, tables, package)
    problems += _reference_problems(root, package)
    problems += _feature_link_problems(root, package)
    problems += _crosswalk_kind_problems(root, package)
    problems += _exclusion_problems(root, raw, package)
    problems += _formula_problems(root, package)
    return sorted(set(problems))
