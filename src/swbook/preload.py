"""Imported once by the chapter process server: the heavy libraries every chapter uses.

Each chapter process is forked from that server, so it starts with them
loaded and pays only for its own code. A library that fails to import is
left out here rather than ending the server with a traceback: the chapter
that imports it then fails on its own cell, with the file and line of the
fault (`chapters/x.qmd:3: cell 1 failed: SyntaxError: … (charts.py, line 12)`).
"""

import gc
import importlib

MODULES = [
    "pandas",
    "altair",
    "vl_convert",
    "IPython.core.interactiveshell",
    "IPython.display",
    "IPython.utils.capture",
    "pandas.core.methods.to_dict",  # DataFrame.to_dict, which every figure's rows go through
    "swsurveys",
    "swsurveys.charts",
    "swsurveys.crosswalk",
    "swsurveys.display",
    "swsurveys.derived",
    "swsurveys.values",
    "swsurveys.verify",
    "swsurveys.release",
]

for _name in MODULES:
    try:
        importlib.import_module(_name)
    except Exception:  # reported by the chapter that needs it, as that chapter's error  # noqa: S110
        pass

# The shell every chapter runs in, made here once (with IPython's magics and completer) rather than in each fork.
try:
    from swbook.execute import chapter_shell

    chapter_shell()
except Exception:  # a chapter makes its own, and reports what fails as its error  # noqa: S110
    pass

# Everything loaded so far lives as long as the server: moved out of the collector's sight, so that a chapter's
# collections neither walk it nor copy its memory pages into the forked chapter (copy-on-write).
gc.freeze()
