"""Print how mlcore's packages import each other, the size of every file, and whether any import forms a cycle.

    python scripts/import_graph.py

Imports are read with `ast`, not by running anything, so an import inside a function (a lazy one) counts as
much as one at the top of a file: both make the importing module depend on the imported one. The packages are
mlcore's rooms: runtime, basics (jobs, files and the report document), widgets, ml, data, notes, image_engine (the image classifier
without a display), image_app (its window), plus the sketches.
The exit status is 1 when there is a cycle, between modules or between packages, and 0 otherwise.

`tests/test_layout.py` loads this file for the same graph and sizes.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ["sketches", "image_app", "image_engine", "notes", "ml", "data", "widgets", "runtime", "basics"]
BASICS = {"mlcore.jobs", "mlcore.files", "mlcore.report"}
MAX_FILE_LINES, MAX_CLASS_LINES, MAX_FUNCTION_LINES = 500, 300, 60


@dataclass
class Module:
    """One source file: its dotted name, its path, its parsed tree and the modules it imports (lazily or not)."""

    name: str
    path: Path
    tree: ast.Module
    lines: int
    imports: dict[str, int] = field(default_factory=dict)  # imported name (a module, or beyond one) -> first line


def module_name(path: Path, root: Path = ROOT) -> str:
    """The dotted name of a file: mlcore/data/samples.py -> mlcore.data.samples, mlcore/ml/__init__.py -> mlcore.ml."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def package_of(name: str) -> str | None:
    """The room a module belongs to (see PACKAGES), or None for a module outside them (the bare mlcore package)."""
    if name == "sketches" or name.startswith("sketches."):
        return "sketches"
    if name in BASICS:
        return "basics"
    parts = name.split(".")
    if len(parts) >= 2 and parts[0] == "mlcore" and parts[1] in PACKAGES:
        return parts[1]
    return None


def _imported_names(node: ast.AST, importer: str, is_package: bool) -> list[str]:
    """Every dotted name an Import or ImportFrom node brings in, relative imports resolved."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:
        base = importer.split(".") if is_package else importer.split(".")[:-1]
        base = base[: len(base) - (node.level - 1)]
        prefix = ".".join(base + ([node.module] if node.module else []))
    else:
        prefix = node.module or ""
    # "from mlcore.data import samples" imports a module; "from mlcore.data.samples import Sample" a name in one.
    return [prefix] + [f"{prefix}.{alias.name}" for alias in node.names if alias.name != "*"]


def read_modules(root: Path = ROOT) -> dict[str, Module]:
    """Every .py file of mlcore/ and sketches/, parsed, with the imports found anywhere inside it."""
    modules = {}
    for path in sorted([*(root / "mlcore").rglob("*.py"), *(root / "sketches").glob("*.py")]):
        text = path.read_text(encoding="utf-8")
        name = module_name(path, root)
        module = Module(name, path, ast.parse(text, filename=str(path)), len(text.splitlines()))
        for node in ast.walk(module.tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for imported in _imported_names(node, name, path.name == "__init__.py"):
                    module.imports.setdefault(imported, node.lineno)
        modules[name] = module
    return modules


def module_edges(modules: dict[str, Module]) -> dict[str, set[str]]:
    """Module -> the project's modules it makes Python load (the imported module and the packages above it).

    Packages above the importer itself are left out: they are already loading when the importer runs.
    """
    edges = {}
    for name, module in modules.items():
        own_parents = {".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 1)}
        targets = set()
        for imported in module.imports:
            parts = imported.split(".")
            for end in range(1, len(parts) + 1):
                target = ".".join(parts[:end])
                if target in modules and target != name and target not in own_parents:
                    targets.add(target)
        edges[name] = targets
    return edges


def package_edges(modules: dict[str, Module]) -> dict[str, dict[str, list[str]]]:
    """Package -> package it imports -> the imports that make the arrow, as "module:line imported.name"."""
    graph: dict[str, dict[str, list[str]]] = {package: {} for package in PACKAGES}
    for name, module in modules.items():
        source = package_of(name)
        if source is None:
            continue
        for imported, line in module.imports.items():
            target = package_of(imported) if imported in modules or _inside_project(imported, modules) else None
            if target is not None and target != source:
                graph[source].setdefault(target, []).append(f"{name}:{line} {imported}")
    return graph


def _inside_project(imported: str, modules: dict[str, Module]) -> bool:
    """True for a name inside one of the project's modules ("mlcore.data.samples.Sample")."""
    return imported.rsplit(".", 1)[0] in modules


def cycles(edges: dict[str, set[str] | dict]) -> list[list[str]]:
    """The strongly connected groups of more than one node (Tarjan's algorithm), each sorted: every cycle is in one."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in edges.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def oversized(modules: dict[str, Module]) -> list[str]:
    """One line per file, class or function of mlcore/ above its limit (files 500 lines, classes 300, functions 60)."""
    found = []
    for name, module in sorted(modules.items()):
        if not name.startswith("mlcore"):
            continue
        where = module.path.relative_to(ROOT).as_posix() if module.path.is_relative_to(ROOT) else str(module.path)
        if module.lines > MAX_FILE_LINES:
            found.append(f"{where}: {module.lines} lines (file limit {MAX_FILE_LINES})")
        for node in ast.walk(module.tree):
            if isinstance(node, ast.ClassDef):
                limit, kind = MAX_CLASS_LINES, "class"
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                limit, kind = MAX_FUNCTION_LINES, "function"
            else:
                continue
            length = node.end_lineno - node.lineno + 1
            if length > limit:
                found.append(f"{where}:{node.lineno}: {kind} {node.name} is {length} lines ({kind} limit {limit})")
    return found


def report(root: Path = ROOT) -> tuple[str, bool]:
    """The printed report, and whether any cycle was found."""
    modules = read_modules(root)
    packages = package_edges(modules)
    module_cycles = cycles(module_edges(modules))
    package_cycles = cycles({package: set(targets) for package, targets in packages.items()})
    out = ["Packages (an arrow: the package on the left imports the ones on the right)"]
    for package in PACKAGES:
        targets = [target for target in PACKAGES if target in packages[package]]
        out.append(f"  {package:<10} -> {', '.join(targets) or '(nothing of the project)'}")
    out += ["", "Files (lines)"]
    for name, module in sorted(modules.items(), key=lambda item: item[1].path):
        out.append(f"  {module.path.relative_to(root).as_posix():<40} {module.lines:>5}")
    out += ["", "Cycles"]
    for kind, found in (("modules", module_cycles), ("packages", package_cycles)):
        out.append(f"  between {kind}: " + ("none" if not found else "; ".join(" <-> ".join(c) for c in found)))
        for group in found if kind == "packages" else ():
            for source in group:
                for target in group:
                    for why in packages[source].get(target, [])[:3]:
                        out.append(f"    {source} -> {target}: {why}")
    too_big = oversized(modules)
    out += ["", f"Over the size limits: {len(too_big) or 'nothing'}"] + [f"  {line}" for line in too_big]
    return "\n".join(out), bool(module_cycles or package_cycles)


def main() -> int:
    text, has_cycle = report()
    print(text)
    return 1 if has_cycle else 0


if __name__ == "__main__":
    sys.exit(main())
