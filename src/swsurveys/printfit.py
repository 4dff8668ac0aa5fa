"""Measure a drawn chart (vl-convert SVG) so the print layout can tell how far its rows may close up.

`charts.print_svg` packs the rows of a chart that is taller than the page
closer together; it stops before any two texts (axis labels, value labels,
titles) print over each other. The boxes here are estimates from the SVG
alone: a line of text is its font size high and about half an em wide per
character, which is close for Liberation Sans and errs on the wide side.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree

_TRANSLATE = re.compile(r"translate\(\s*([-\d.e]+)[ ,]+([-\d.e]+)\s*\)")
_SVG = "{http://www.w3.org/2000/svg}"


def size(svg: str) -> tuple[float, float]:
    """The drawing's width and height (SVG pixels, placed as points in the PDF)."""
    found = re.search(r'<svg[^>]*?width="([\d.]+)"[^>]*?height="([\d.]+)"', svg)
    return (float(found.group(1)), float(found.group(2))) if found else (0.0, 0.0)


def _offset(node) -> tuple[float, float]:
    found = _TRANSLATE.search(node.get("transform", ""))
    return (float(found.group(1)), float(found.group(2))) if found else (0.0, 0.0)


def text_boxes(svg: str) -> list[tuple[float, float, float, float, str]]:
    """Every horizontal text in the drawing as a box (left, top, right, bottom, its words) in drawing coordinates.

    Rotated texts (a vertical axis title) are left out: they sit beside the
    rows, not among them.
    """
    boxes: list[tuple[float, float, float, float, str]] = []

    def visit(node, x: float, y: float) -> None:
        dx, dy = _offset(node)
        x, y = x + dx, y + dy
        if node.tag == _SVG + "text":
            if "rotate" in node.get("transform", ""):
                return
            font = float(re.sub(r"[^\d.]", "", node.get("font-size", "10")) or 10)
            spans = node.findall(_SVG + "tspan") or [node]
            lines = [("".join(span.itertext()), float(span.get("dy", 0) or 0)) for span in spans]
            width = max(len(text) for text, _ in lines) * font * 0.5
            anchor = node.get("text-anchor", "start")
            left = x - width if anchor == "end" else x - width / 2 if anchor == "middle" else x
            baseline = y + float(node.get("y", 0) or 0)
            last = baseline + sum(step for _, step in lines[1:])
            words = " ".join(text for text, _ in lines)
            boxes.append((left, baseline - 0.75 * font, left + width, last + 0.2 * font, words))
            return
        for child in node:
            visit(child, x, y)

    visit(ElementTree.fromstring(svg), 0.0, 0.0)
    return boxes


GAP = 2.5  # points: two lines of text closer than this read as one block (a label "touches" the next)


def tight_pairs(svg: str) -> dict[tuple[str, str], float]:
    """Texts that share some width and stand closer than GAP above one another: (upper, lower) -> the gap (pt).

    A negative gap is an overlap. Two texts with the same words keep the closest gap.
    """
    boxes = sorted(text_boxes(svg), key=lambda box: box[1])
    found: dict[tuple[str, str], float] = {}
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            if b[1] >= a[3] + GAP:
                break
            gap = b[1] - a[3]
            if min(a[2], b[2]) - max(a[0], b[0]) > 0.5 and gap < GAP:
                key = (a[4], b[4])
                found[key] = min(gap, found.get(key, gap))
    return found


def closer(trial: str, reference: str) -> bool:
    """Whether packing the rows brought any two texts of `trial` closer than GAP and closer than in `reference`.

    Texts already that close in the reference drawing (a label the screen
    design sets tight) may stay so, but not come any closer.
    """
    before = tight_pairs(reference)
    return any(gap < before.get(pair, GAP) - 0.25 for pair, gap in tight_pairs(trial).items())


def clashes(svg: str) -> int:
    """How many pairs of texts in the drawing stand closer than GAP (or overlap)."""
    return len(tight_pairs(svg))
