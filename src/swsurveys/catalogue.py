"""Load the data package: sources, tables and observations as DataFrames.

Parsed files are cached per data folder (`paths.data_dir()`), so reading
another copy of the package (`paths.using_data`) never sees this one's rows;
`clear_cache` forgets them after the files changed on disk.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .dates import format_date  # noqa: F401 (swsurveys.format_date)
from .paths import data_dir, record_read

# Columns read as text so that "" stays "" and codes such as "01" keep their zeros.
_TEXT = str


def package() -> dict:
    """The parsed datapackage.json."""
    return _package(data_dir())


@lru_cache(maxsize=None)
def _package(folder: Path) -> dict:
    path = record_read(folder / "datapackage.json")
    return json.loads(Path(path).read_text(encoding="utf-8"))


def resource_path(name: str) -> Path:
    """Path of a named resource of the data package."""
    for resource in package()["resources"]:
        if resource["name"] == name:
            return data_dir() / resource["path"]
    raise KeyError(f"datapackage.json has no resource named {name!r}")


def resource_schema(name: str) -> dict:
    """The Table Schema of a named resource (inline, or read from the file it points to)."""
    for resource in package()["resources"]:
        if resource["name"] == name:
            schema = resource["schema"]
            if isinstance(schema, str):
                path = record_read(data_dir() / schema)
                return json.loads(Path(path).read_text(encoding="utf-8"))
            return schema
    raise KeyError(f"datapackage.json has no resource named {name!r}")


def resource(name: str) -> pd.DataFrame:
    """A described resource of the data package (e.g. "crosswalk") as text columns, its read recorded."""
    return _read_csv(resource_path(name))


def _read_csv(path: Path, record: bool = True) -> pd.DataFrame:
    if record:
        record_read(path)
    return pd.read_csv(path, dtype=_TEXT, keep_default_na=False, encoding="utf-8")


def _surveys() -> pd.DataFrame:
    return _surveys_in(data_dir())


@lru_cache(maxsize=None)
def _surveys_in(folder: Path) -> pd.DataFrame:
    frame = _read_csv(resource_path("surveys"))
    frame["respondents"] = frame["respondents"].astype(int)
    return frame.set_index("id", drop=False)


def _tables() -> pd.DataFrame:
    return _tables_in(data_dir())


@lru_cache(maxsize=None)
def _tables_in(folder: Path) -> pd.DataFrame:
    return _read_csv(resource_path("tables"))


def surveys() -> pd.DataFrame:
    """One row per source report, indexed by its slug."""
    return _surveys().copy()


def survey(slug: str) -> pd.Series:
    """The metadata row of one source."""
    frame = _surveys()
    if slug not in frame.index:
        raise KeyError(f"unknown survey {slug!r}; known: {', '.join(frame.index)}")
    return frame.loc[slug]


def tables(survey: str | None = None) -> pd.DataFrame:
    """Published tables, figures and prose groups, optionally of one survey."""
    frame = _tables()
    if survey is not None:
        frame = frame[frame["survey"] == survey]
    return frame.reset_index(drop=True).copy()


def table_info(survey: str, table: str) -> dict:
    """The tables.csv row of one table as a dict."""
    rows = _table_rows_in(data_dir())
    if (survey, table) not in rows:
        raise KeyError(f"tables.csv has no table {table!r} in survey {survey!r}")
    return dict(rows[(survey, table)])


@lru_cache(maxsize=None)
def _table_rows_in(folder: Path) -> dict[tuple[str, str], dict]:
    frame = _tables_in(folder)
    return {(row["survey"], row["table"]): row for row in frame.to_dict(orient="records")}


def themes() -> pd.DataFrame:
    """The fixed theme vocabulary."""
    return _read_csv(resource_path("themes"))


def _observations(survey: str) -> pd.DataFrame:
    return _observations_in(data_dir(), survey)


@lru_cache(maxsize=None)
def _observations_in(folder: Path, survey: str) -> pd.DataFrame:
    # Not recorded here: load() records the whole file or just the table it returns.
    frame = _read_csv(resource_path(f"observations-{survey}"), record=False)
    frame["value"] = pd.to_numeric(frame["value"].replace("", None))
    frame["base"] = pd.to_numeric(frame["base"].replace("", None))
    frame["line"] = frame["line"].astype(int)
    frame["order"] = frame["order"].astype(int)
    return frame


class FrameMetadata(dict):
    """Read-only metadata carried in a frame's `attrs`.

    pandas deep-copies `attrs` into every frame an operation makes (each
    column taken, each filter, each row of `itertuples`): about a fifth of a
    chapter's run went on copying the same two small dicts. These cannot be
    changed, so every copy can share them.
    """

    def __deepcopy__(self, memo) -> FrameMetadata:
        return self

    def __reduce__(self):  # pickled as a plain call, not item by item (which the guard below refuses)
        return (FrameMetadata, (dict(self),))

    def _read_only(self, *args, **kwargs):
        raise TypeError("a frame's source and table metadata are read-only (copy them with dict() to change them)")

    __setitem__ = __delitem__ = update = pop = popitem = clear = setdefault = __ior__ = _read_only


def load(survey: str, table: str | None = None) -> pd.DataFrame:
    """Observations of one survey (optionally one table), in printed order.

    Table metadata is attached as `df.attrs`: `survey` (the source row as a
    dict) and, when one table is asked for, `table` (its tables.csv row).
    """
    frame = _observations(survey)
    record_read(resource_path(f"observations-{survey}"), part=table)
    if table is not None:
        frame = frame[frame["table"] == table]
        if frame.empty:
            raise KeyError(f"no observations for table {table!r} in survey {survey!r}")
    frame = frame.sort_values(["table", "order"], kind="stable").reset_index(drop=True).copy()
    frame.attrs["survey"] = FrameMetadata(survey_dict(survey))
    if table is not None:
        frame.attrs["table"] = FrameMetadata(table_info(survey, table))
    return frame


def question_records(survey: str, table: str, questions: list[str]) -> list[dict]:
    """The observations of some questions of one table, as plain dicts, recorded as read question by question.

    For a reader that picks single values (the crosswalk): a chapter that
    used one question of a table is not made stale by a fix to another.
    """
    path = resource_path(f"observations-{survey}")
    by_question = _records_by_question_in(data_dir(), survey, table)
    picked = []
    for question in dict.fromkeys(questions):
        record_read(path, part=table, question=question)
        picked += by_question.get(question, [])
    return picked


@lru_cache(maxsize=None)
def _records_by_question_in(folder: Path, survey: str, table: str) -> dict[str, list[dict]]:
    frame = _observations_in(folder, survey)
    grouped: dict[str, list[dict]] = {}
    for row in frame[frame["table"] == table].to_dict("records"):  # one table's rows: a page reads a few tables
        grouped.setdefault(row["question"], []).append(row)
    return grouped


def survey_dict(slug: str) -> dict:
    """The metadata of one source as a plain dict."""
    return {k: (v.item() if hasattr(v, "item") else v) for k, v in survey(slug).items()}


def observation_surveys() -> list[str]:
    """Slugs of the surveys whose observations are in the package."""
    prefix = "observations-"
    return [r["name"][len(prefix) :] for r in package()["resources"] if r["name"].startswith(prefix)]


def raw_lines(survey: str) -> list[str]:
    """The raw source text of a survey, split into lines (index 0 is line 1)."""
    path = data_dir() / survey_dict(survey)["raw_file"]
    record_read(path)
    return Path(path).read_text(encoding="utf-8").split("\n")


def clear_cache() -> None:
    """Forget loaded files (after the data changed on disk)."""
    for cached in (_package, _surveys_in, _tables_in, _table_rows_in, _observations_in, _records_by_question_in):
        cached.cache_clear()
