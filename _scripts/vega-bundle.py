#!/usr/bin/env python3
"""Pre-render step: write the Vega, Vega-Lite and vega-embed bundle to assets/vega-bundle.js.

Declared in _quarto.yml as `project: pre-render:`, so `quarto render` runs it
as swbook does; `project: resources:` then publishes the file, and every
figure's own script loads it from the site (offline, no CDN). The bundle is
made by vl-convert (a second or two) only when it is missing, incomplete,
edited (its first line records the SHA-256 of the bundle) or from another
vl-convert version.
"""

import hashlib
import os
import sys
from pathlib import Path

import vl_convert

END = "\n// end of the vega bundle\n"


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def main() -> int:
    root = Path(os.environ.get("QUARTO_PROJECT_DIR") or Path(__file__).resolve().parent.parent)
    target = root / "assets" / "vega-bundle.js"
    prefix = f"// Vega, Vega-Lite and vega-embed from vl-convert {vl_convert.__version__} sha256="
    try:
        current = target.read_text(encoding="utf-8")
        header, _, rest = current.partition("\n")
        body = rest[: -len(END)]
        if header.startswith(prefix) and rest.endswith(END) and header[len(prefix) :] == _sha(body):
            return 0
    except (OSError, ValueError):
        pass
    body = vl_convert.javascript_bundle()
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_text(f"{prefix}{_sha(body)}\n{body}{END}", encoding="utf-8")
    temporary.replace(target)  # atomic: a reader sees the old bundle or the whole new one
    return 0


if __name__ == "__main__":
    sys.exit(main())
