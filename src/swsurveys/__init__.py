"""swsurveys: the validated data package behind the children's social work surveys book.

    import swsurveys
    df = swsurveys.load("ofsted-2010", "summary-all-questions")

Every number the book shows comes through this package, with the line of the
source report it was read from (`df.line`, `df.printed`).

The names below are imported when first used, so a light submodule (such as
`swsurveys.release`, which the post-render step reads) does not load pandas.
"""

from __future__ import annotations

import importlib
import sys
import types

# Each public name and the submodule that defines it.
_WHERE = {
    "load": "catalogue",
    "resource": "catalogue",
    "format_date": "catalogue",
    "tables": "catalogue",
    "surveys": "catalogue",
    "survey": "catalogue",
    "table_info": "catalogue",
    "themes": "catalogue",
    "observation_surveys": "catalogue",
    "raw_lines": "catalogue",
    "clear_cache": "catalogue",
    "validate": "validate",
    "Problem": "validate",
    "verify": "verify",
}

__all__ = [*_WHERE, "derived"]
__version__ = "0.1.0"


def __getattr__(name: str):
    if name == "derived":
        return importlib.import_module(".derived", __name__)
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
    globals()[name] = value  # found directly next time
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


class _Package(types.ModuleType):
    """The package module, so that importing the submodule `validate` (or `verify`) keeps the function.

    Python sets a package's attribute to each submodule it imports, which
    would hide `swsurveys.validate()` behind the module of the same name.
    """

    def __setattr__(self, name: str, value) -> None:
        if name in ("validate", "verify") and isinstance(value, types.ModuleType):
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
