"""Make the outputs chapters deferred (see `mime.DEFERRED_MIME`), for the formats that need them.

A build that writes the PDF needs every chart's print SVG. The chapters only
said how to draw each one; here they are drawn, in parallel worker processes,
and put into the outputs as if the chapter had displayed them. The drawing
function keeps its own cache (`swsurveys.svgcache`), so after a one-value fix
only the figures whose data changed are drawn again, and an HTML-only build
draws none.
"""

from __future__ import annotations

import importlib
import json
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace

from .errors import BuildError
from .mime import DEFERRED_MIME


def _call(call: str, kwargs: dict) -> str:
    module, _, function = call.partition(":")
    return getattr(importlib.import_module(module), function)(**kwargs)


def make(executed: dict, mime: str, context: multiprocessing.context.BaseContext, jobs: int) -> None:
    """Fill in, in place, every deferred output of type `mime` in the chapters' outputs.

    `executed` maps each page to its `Executed` outputs; `context` is the
    process context the chapters ran in (its server has the drawing code loaded).
    """
    wanted = []  # (page, the output's data dict, how to make it)
    for page, result in executed.items():
        for outputs in result.outputs.values():
            for output in outputs:
                data = output.get("data", {})
                recipe = data.get(DEFERRED_MIME, {}).get(mime)
                if recipe is not None and mime not in data:
                    wanted.append((page, data, recipe))
    if not wanted:
        return
    # The largest first (a 34-statement chart takes ten times a small one), so no worker is left with it last.
    wanted.sort(key=lambda item: -len(json.dumps(item[2]["kwargs"], default=str)))
    if jobs == 1:
        made = [
            _drawn(page, recipe, lambda recipe=recipe: _call(recipe["call"], recipe["kwargs"]))
            for page, _, recipe in wanted
        ]
    else:
        key = (id(context), jobs)
        kept = context.get_start_method() == "forkserver"
        with _POOLS_LOCK:  # the pages of one build ask for drawings from threads of their own
            pool = _POOLS.get(key) if kept else None
            if pool is None:
                pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context)
                if kept:
                    _POOLS[key] = pool
        futures = [pool.submit(_call, recipe["call"], recipe["kwargs"]) for _, _, recipe in wanted]
        try:
            made = [_drawn(page, recipe, future.result) for (page, _, recipe), future in zip(wanted, futures)]
        finally:
            broken = any(
                f.done() and not f.cancelled() and isinstance(f.exception(), BrokenProcessPool) for f in futures
            )
            if not kept or broken:  # a dead worker: a new pool next time
                with _POOLS_LOCK:
                    if _POOLS.get(key) is pool:
                        del _POOLS[key]
                pool.shutdown(wait=not broken, cancel_futures=True)
    for (_, data, _), content in zip(wanted, made):
        data[mime] = content


def drawn(page, executed, mime: str, context: multiprocessing.context.BaseContext, jobs: int):
    """A copy of one page's `executed` with its deferred outputs of type `mime` made in place of their recipes.

    The outputs given are left as they are; the copy's data dicts are its own.
    """
    outputs = {
        cell: [{**output, "data": dict(output["data"])} if "data" in output else output for output in cell_outputs]
        for cell, cell_outputs in executed.outputs.items()
    }
    copy = replace(executed, outputs=outputs)
    make({page: copy}, mime, context, jobs)
    for cell_outputs in outputs.values():
        for output in cell_outputs:
            data = output.get("data", {})
            recipes = data.pop(DEFERRED_MIME, None)
            left = {kind: recipe for kind, recipe in (recipes or {}).items() if kind not in data}
            if left:
                data[DEFERRED_MIME] = left
    return copy


# One pool of drawing processes per process context and size, kept while this process lives: a process
# that builds again (swbook preview) keeps its drawing processes, and their chart library warm (vl-convert
# takes half a second to start in each). Only processes forked from the chapter server are kept: they hold
# none of this process's files, where a child forked from this process would hold its pipes open (a host
# waiting for a pipe to close, as Playwright does for its driver, would wait for ever).
_POOLS: dict[tuple[int, int], ProcessPoolExecutor] = {}
_POOLS_LOCK = threading.Lock()


def _drawn(page, recipe: dict, make) -> str:
    """What `make()` returns; its failure said as the chapter's, naming the drawing function."""
    try:
        return make()
    except Exception as error:  # the drawing code is the chapter's library's, not swbook's
        raise BuildError(f"{page.relative}: could not make a figure for print ({recipe['call']}): {error}") from None
