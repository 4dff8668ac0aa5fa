"""Imported once by the chapter process server: the heavy libraries every chapter uses.

Each chapter process is forked from that server, so it starts with them
loaded and pays only for its own code. A library that fails to import is
left out here rather than ending the server with a traceback: the chapter
that imports it then fails on its own cell, with the file and line of the
fault (`chapters/x.qmd:3: cell 1 failed: SyntaxError: … (charts.py, line 12)`).
"""

import importlib

MODULES = [
    "pandas",
    "altair",
    "vl_convert",
    "IPython.core.interactiveshell",
    "IPython.display",
    "swsurveys",
    "swsurveys.charts",
    "swsurveys.crosswalk",
    "swsurveys.display",
    "swsurveys.derived",
    "swsurveys.values",
]

for _name in MODULES:
    try:
        importlib.import_module(_name)
    except Exception:  # reported by the chapter that needs it, as that chapter's error  # noqa: S110
        pass
