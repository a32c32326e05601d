"""The shape of mlcore: arrows between packages point one way, ML and data stay free of pygame, files stay small.

Imports are read statically by `scripts/import_graph.py` (lazy imports inside functions included); one test also
imports every module of mlcore.ml and mlcore.data for real and checks that pygame was never loaded.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _load_script():
    spec = importlib.util.spec_from_file_location("import_graph", ROOT / "scripts" / "import_graph.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


graph = _load_script()
MODULES = graph.read_modules()


def imports_of(package: str) -> dict[str, list[str]]:
    """Module of mlcore.<package> -> every name it imports, lazily or not."""
    return {name: list(module.imports) for name, module in MODULES.items() if graph.package_of(name) == package}


def offending(package: str, forbidden: list[str]) -> list[str]:
    """The imports in `package` of anything in `forbidden` (top-level names or packages), as "module: name"."""
    found = []
    for name, imported in sorted(imports_of(package).items()):
        for target in imported:
            if any(target == bad or target.startswith(bad + ".") for bad in forbidden):
                found.append(f"{name}: {target}")
    return found


def test_every_package_has_modules():
    # A layout test that finds nothing to check would pass for the wrong reason.
    for package in graph.PACKAGES:
        assert imports_of(package), f"no module found for {package}"


def test_no_import_cycle_between_modules():
    assert graph.cycles(graph.module_edges(MODULES)) == []


def test_no_import_cycle_between_packages():
    packages = {source: set(targets) for source, targets in graph.package_edges(MODULES).items()}
    assert graph.cycles(packages) == []


@pytest.mark.parametrize("package", ["ml", "data", "image_engine"])
def test_ml_data_and_the_image_engine_import_neither_pygame_nor_the_runtime_nor_widgets(package):
    assert (
        offending(
            package, ["pygame", "mlcore.runtime", "mlcore.widgets", "mlcore.notes", "mlcore.image_app", "sketches"]
        )
        == []
    )


def test_ml_data_and_the_image_engine_load_without_pygame():
    names = sorted(name for name in MODULES if graph.package_of(name) in ("ml", "data", "image_engine"))
    code = (
        "import importlib, sys\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m == 'pygame' or m.startswith('pygame.')))\n"
    )
    environment = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "SDL_VIDEODRIVER")}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"
    assert len(names) >= 10


APPS = ["mlcore.notes", "mlcore.image_app", "mlcore.image_engine", "sketches"]


def test_widgets_know_nothing_of_ml_data_notes_or_the_image_app():
    assert offending("widgets", ["mlcore.ml", "mlcore.data", *APPS]) == []


def test_the_runtime_knows_nothing_of_ml_data_notes_or_the_image_app():
    assert offending("runtime", ["mlcore.ml", "mlcore.data", *APPS]) == []


def test_files_classes_and_functions_stay_small():
    too_big = graph.oversized(MODULES)
    assert too_big == [], "over the size limits:\n" + "\n".join(too_big)


# --------------------------------------------------------------------------------------------------------------
# The checker itself, on a small made-up project: it must see what the tests above rely on it to see.


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_the_checker_sees_lazy_and_relative_import_cycles(tmp_path):
    write(tmp_path / "mlcore" / "__init__.py", "")
    write(tmp_path / "mlcore" / "data" / "__init__.py", "")
    write(tmp_path / "mlcore" / "data" / "a.py", "from mlcore.data.b import thing\n")
    write(tmp_path / "mlcore" / "data" / "b.py", "def thing():\n    from . import a  # lazy\n    return a\n")
    write(tmp_path / "mlcore" / "widgets" / "__init__.py", "")
    write(tmp_path / "mlcore" / "widgets" / "ui.py", "def f():\n    import mlcore.data.a\n")
    write(tmp_path / "sketches" / "demo.py", "from mlcore.widgets import ui\n")
    modules = graph.read_modules(tmp_path)
    assert graph.cycles(graph.module_edges(modules)) == [["mlcore.data.a", "mlcore.data.b"]]
    packages = graph.package_edges(modules)
    assert set(packages["widgets"]) == {"data"} and set(packages["sketches"]) == {"widgets"}
    assert graph.cycles({source: set(targets) for source, targets in packages.items()}) == []


def test_the_checker_measures_files_classes_and_functions(tmp_path):
    long_function = "def long():\n" + "    x = 1\n" * 60  # 61 lines
    short_function = "def short():\n" + "    x = 1\n" * 59  # 60 lines: at the limit, not over it
    long_class = "class Big:\n" + "    a = 1\n" * 300
    write(tmp_path / "mlcore" / "ml" / "m.py", long_function + short_function + long_class)
    write(tmp_path / "mlcore" / "ml" / "big.py", "x = 1\n" * 501)
    found = graph.oversized(graph.read_modules(tmp_path))
    assert len(found) == 3
    assert any("function long is 61 lines" in line for line in found)
    assert any("class Big is 301 lines" in line for line in found)
    assert any("big.py: 501 lines" in line for line in found)
