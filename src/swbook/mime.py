"""The display type swbook reads beyond Jupyter's own: a figure's alt text, source note and plotted rows.

A chapter's figure helper puts a bundle under this type beside its HTML and
SVG; the assembler places the figure from it. One name for both sides.
"""

FIGURE_MIME = "application/vnd.swbook.figure+json"
