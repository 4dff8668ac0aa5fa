"""No import cycles: no module of src/ imports, directly or through others, itself.

The graph is read from the source text of every module of both packages
(swsurveys and swbook) in one graph, so a cycle that runs from one package into
the other and back is found as surely as one inside a package; imports inside
functions count too, since a cycle is a cycle whenever it is taken.
"""

from __future__ import annotations

import ast
from pathlib import Path

from helpers import ROOT

SRC = Path(ROOT) / "src"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, name: str, known: set[str]) -> set[str]:
    """The project modules a file imports anywhere in it (inside functions too: a cycle is a cycle)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package
            for _ in range(node.level - 1):
                base = base.rpartition(".")[0]
            stem = (f"{base}.{node.module}" if node.module else base) if node.level else node.module
            # `from . import corrections` imports the submodule; `from . import load` the package's name.
            targets = [f"{stem}.{a.name}" if f"{stem}.{a.name}" in known else stem for a in node.names]
        else:
            continue
        found |= {t for t in targets if t in known and t != name}
    return found


def import_graph() -> dict[str, set[str]]:
    files = {_module_name(p): p for p in SRC.rglob("*.py")}
    return {name: _imports(path, name, set(files)) for name, path in files.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                return path[path.index(target) :] + [target]
            if target not in state and (found := visit(target)):
                return found
        state[node] = 2
        path.pop()
        return []

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return []


def test_the_graph_holds_both_packages_and_the_imports_between_them():
    graph = import_graph()
    modules = {_module_name(p) for p in SRC.rglob("*.py")}
    assert set(graph) == modules and {m.split(".")[0] for m in modules} == {"swsurveys", "swbook"}
    assert "swsurveys.catalogue" in graph["swsurveys.verify"]  # inside a package
    assert "swsurveys.printed" in graph["swsurveys.extract"]
    assert "swsurveys.corrections" in graph["swsurveys.values"]  # `from . import corrections`
    assert "swbook.mime" in graph["swsurveys.charts"]  # swsurveys -> swbook
    assert "swsurveys.values" in graph["swbook.assemble"]  # swbook -> swsurveys
    assert "swsurveys.catalogue" in graph["swsurveys.charts"]  # imported inside a function only


def test_a_cycle_is_found_across_the_packages_and_through_a_package():
    across = {"swsurveys.a": {"swbook.b"}, "swbook.b": {"swbook.c"}, "swbook.c": {"swsurveys.a"}}
    assert _cycle(across) == ["swbook.b", "swbook.c", "swsurveys.a", "swbook.b"]
    # A package importing its submodule is fine; the submodule importing the package's names back is a cycle.
    assert _cycle({"p": {"p.m"}, "p.m": set()}) == []
    assert _cycle({"p": {"p.m"}, "p.m": {"p"}}) == ["p", "p.m", "p"]


def test_no_module_imports_itself_through_others():
    cycle = _cycle(import_graph())
    assert not cycle, "import cycle: " + " -> ".join(cycle)
