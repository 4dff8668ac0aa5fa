"""`python -m swsurveys.extract <survey>|all`: rebuild the generated data files of one survey, or of all."""

from __future__ import annotations

import sys

from ..paths import data_dir
from . import STEPS, run


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or (args[0] not in STEPS and args[0] != "all"):
        print(f"usage: python -m swsurveys.extract <survey>|all (surveys: {', '.join(STEPS)})", file=sys.stderr)
        return 2
    root = data_dir().parent
    for survey in STEPS if args[0] == "all" else [args[0]]:
        generated = run(survey)
        generated.write()
        for path, rows in zip(generated.files(), generated.resources.values()):
            print(f"{survey}: wrote {len(rows)} rows to {path.relative_to(root)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
