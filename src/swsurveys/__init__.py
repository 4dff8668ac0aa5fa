"""swsurveys: the validated data package behind the children's social work surveys book.

    import swsurveys
    df = swsurveys.load("ofsted-2010", "summary-all-questions")

Every number the book shows comes through this package, with the line of the
source report it was read from (`df.line`, `df.printed`).
"""

from . import derived
from .catalogue import (
    clear_cache,
    format_date,
    load,
    observation_surveys,
    raw_lines,
    resource,
    survey,
    surveys,
    table_info,
    tables,
    themes,
)
from .validate import Problem, validate
from .verify import verify

__all__ = [
    "load",
    "resource",
    "format_date",
    "tables",
    "surveys",
    "survey",
    "table_info",
    "themes",
    "validate",
    "verify",
    "Problem",
    "observation_surveys",
    "raw_lines",
    "clear_cache",
    "derived",
]
__version__ = "0.1.0"
