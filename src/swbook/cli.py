"""The `swbook` command: render the book, check the data, preview the site."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .errors import BuildError


def _render(args: argparse.Namespace) -> int:
    from .build import render

    formats = ("html", "pdf") if args.to == "all" else (args.to,)
    render(Path(args.root), to=formats, quiet=args.quiet, fresh=args.fresh, jobs=args.jobs)
    return 0


def _check(args: argparse.Namespace) -> int:
    from swsurveys.paths import using_data

    root = Path(args.root).resolve()
    if not (root / "data" / "datapackage.json").exists():
        raise BuildError(f"{root}: no data/datapackage.json here; run swbook in the book's folder or give --root")
    with using_data(root / "data"):
        status = _check_data(root / "data")
    if args.since:
        from swsurveys.changes import unlogged_changes

        changes = unlogged_changes(root, args.since)
        for problem in changes:
            print(problem)
        print(f"{len(changes)} changed published value(s) since {args.since} without a corrections row")
        status = status or (1 if changes else 0)
    return status


def _check_data(data: Path) -> int:
    from swsurveys.validate import validate
    from swsurveys.verify import summary, verify

    problems = validate(data)
    for problem in problems:
        print(problem)
    if problems:
        print(
            f"swbook: the data package has {len(problems)} problem(s), listed above; fix them and run again",
            file=sys.stderr,
        )
        return 1
    report = verify()
    table = summary(report)
    print(f"{'survey':<14}{'values':>8}{'verified':>10}{'numeric':>9}{'tables':>8}")
    for row in table.itertuples():
        print(f"{row.survey:<14}{row.stored:>8}{row.verified:>10}{row.with_value:>9}{row.tables:>8}")
    failed = report[~report["verified"]]
    for row in failed.itertuples():
        print(f"data/observations/{row.survey}.csv: {row.table} {row.category!r}: {row.reason}")
    print(
        f"{len(report)} values, {int(report['verified'].sum())} verified against their source lines, "
        f"{len(failed)} problem(s)"
    )
    return 1 if len(failed) else 0


def _preview(args: argparse.Namespace) -> int:
    """Serve _book/ on localhost and rebuild when a chapter or data file changes."""
    import functools
    import http.server
    import threading

    from .build import render

    root = Path(args.root).resolve()
    render(root)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root / "_book"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"serving http://127.0.0.1:{args.port}/ (Ctrl-C to stop)")

    def snapshot() -> dict:
        watched = [
            root / "_quarto.yml",
            root / "index.qmd",
            *root.glob("chapters/*.qmd"),
            *(root / "data").rglob("*.csv"),
            root / "data" / "datapackage.json",
        ]
        return {p: p.stat().st_mtime for p in watched if p.exists()}

    seen = snapshot()
    try:
        while True:
            time.sleep(1)
            now = snapshot()
            if now != seen:
                seen = now
                try:
                    render(root)
                except BuildError as error:
                    print(f"swbook: {error}", file=sys.stderr)
    except KeyboardInterrupt:
        server.shutdown()
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `swbook` console script."""
    parser = argparse.ArgumentParser(
        prog="swbook", description="Render and check the children's social work surveys book."
    )
    parser.add_argument("--root", default=".", help="the book project folder (default: here)")
    parser.add_argument("--debug", action="store_true", help="show the Python traceback of an unexpected error")
    commands = parser.add_subparsers(dest="command", required=True)
    render = commands.add_parser("render", help="render HTML and PDF into _book/")
    render.add_argument("--to", choices=["all", "html", "pdf"], default="all")
    render.add_argument("--fresh", action="store_true", help="ignore any cached chapter outputs")
    render.add_argument("--quiet", action="store_true", help="print only errors")
    render.add_argument("--jobs", type=int, default=None, help="chapters run at once (default: number of cores)")
    render.set_defaults(run=_render)
    check = commands.add_parser(
        "check", help="validate the data package and verify every value against its source line"
    )
    check.add_argument(
        "--since",
        metavar="REV",
        help="also fail on published values changed since git revision REV that data/corrections.csv does not log",
    )
    check.set_defaults(run=_check)
    preview = commands.add_parser("preview", help="serve _book/ on localhost and rebuild on change")
    preview.add_argument("--port", type=int, default=4321)
    preview.set_defaults(run=_preview)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except BuildError as error:
        print(f"swbook: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("swbook: interrupted; nothing was published", file=sys.stderr)
        return 130
    except Exception as error:
        # A fault swbook did not foresee: still one line a person can act on, and the
        # traceback only for whoever asks for it.
        if args.debug:
            raise
        where = f"{error.filename}: " if isinstance(error, OSError) and error.filename else ""
        message = error.strerror if isinstance(error, OSError) and error.strerror else error
        print(
            f"swbook: {where}{type(error).__name__}: {message} (this is a fault in swbook or its "
            f"environment; run again with --debug for the traceback)",
            file=sys.stderr,
        )
        return 2


if __name__ == "__main__":
    sys.exit(main())
