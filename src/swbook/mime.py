"""The display types swbook reads beyond Jupyter's own. One name for both sides.

`FIGURE_MIME`: a figure's alt text, source note and plotted rows. A chapter's
figure helper puts a bundle under this type beside its HTML and SVG; the
assembler places the figure from it. `ROW_COLUMNS` is the one list of the
columns a plotted row may carry (in the bundle and in the page, from which the
post-render step writes each figure's CSV).

`DEFERRED_MIME`: outputs a chapter leaves for the renderer to make, and only
for a format that needs them: `{mime: {"call": "module:function", "kwargs": {…}}}`.
A chart's print drawing (its SVG) is most of a chapter's time, and only the
PDF uses it, so under swbook (which sets `DEFER_ENV` in the chapter processes
it runs) a chart says how to draw it instead of drawing it; run anywhere else
(Jupyter, Quarto) the chart draws it itself, as a plain `image/svg+xml`.
"""

import os

FIGURE_MIME = "application/vnd.swbook.figure+json"
DEFERRED_MIME = "application/vnd.swbook.deferred+json"
DEFER_ENV = "SWBOOK_DEFER_OUTPUTS"

# The columns of a figure's plotted rows, those the figure's data holds, in this order.
ROW_COLUMNS = (
    "survey",
    "source",  # the source's short title, where a figure sets several sources side by side
    "table",
    "question",
    "category",
    "group",
    "measure",
    "value",
    "printed",
    "status",
    "base",
    "line",
    "lines",
    "derived",
    "shown",
    "note",
)


def deferring() -> bool:
    """Whether this process runs chapters for swbook, which makes deferred outputs itself."""
    return os.environ.get(DEFER_ENV) == "1"
