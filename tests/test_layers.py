"""The package's import layers, read from the source with ``ast`` (every import, also inside functions).

Layers, lowest first: chem/errors/settings/provenance/entries/fileio; ``sources`` (readers) and
``store`` (the SQLite store) side by side, neither aware of the other; ``ingest`` above both;
``engine`` (geometry, no knowledge of results); ``analyses`` (results); ``reports``; the CLI.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "interfacestab"

#: package (folder or module under src/interfacestab) -> packages it must never import
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "sources": ("store", "ingest", "analyses", "reports"),
    "store": ("sources", "ingest", "analyses", "reports"),
    "engine": ("analyses", "reports", "store", "sources", "ingest"),
    "analyses": ("reports",),
    "ingest": ("analyses", "reports"),
}


def imported_modules(path: Path) -> set[str]:
    """Every absolute module a file imports (``from x import y`` gives ``x`` and ``x.y``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}: relative import; the layer check needs absolute ones"
            base = node.module or ""
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def _files(layer: str) -> list[Path]:
    folder = SRC / layer
    return sorted(folder.rglob("*.py")) if folder.is_dir() else [SRC / f"{layer}.py"]


def _violations(layer: str) -> list[str]:
    bad = []
    for path in _files(layer):
        for module in sorted(imported_modules(path)):
            for other in FORBIDDEN[layer]:
                if module == f"interfacestab.{other}" or module.startswith(f"interfacestab.{other}."):
                    bad.append(f"{path.relative_to(SRC)} imports {module}")
            if module.split(".")[0] == "interfacestab_cli":
                bad.append(f"{path.relative_to(SRC)} imports the CLI ({module})")
    return bad


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_only_what_lies_below(layer: str) -> None:
    assert _files(layer), f"no files for layer {layer}"
    assert _violations(layer) == []


def test_the_checker_sees_imports_inside_functions_and_type_checking(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from interfacestab.store.database import Store\n"
        "def f():\n    import interfacestab.sources.mp\n    from interfacestab import ingest\n"
    )
    assert {"interfacestab.store.database", "interfacestab.sources.mp", "interfacestab.ingest"} <= imported_modules(
        sample
    )
