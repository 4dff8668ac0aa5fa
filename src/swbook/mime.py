"""The display type swbook reads beyond Jupyter's own: a figure's alt text, source note and plotted rows.

A chapter's figure helper puts a bundle under this type beside its HTML and
SVG; the assembler places the figure from it. One name for both sides, and
one list of the columns a plotted row may carry (in the bundle and in the
page, from which the post-render step writes each figure's CSV).
"""

FIGURE_MIME = "application/vnd.swbook.figure+json"
# The columns of a figure's plotted rows, those the figure's data holds, in this order.
ROW_COLUMNS = (
    "survey",
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
