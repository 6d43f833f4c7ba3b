"""The module graph of the project's own packages, read from the source with
``ast``: every import counts, at module level or inside a function, so an
import moved into a function to dodge a cycle is still a cycle.

``from package import name`` is an edge to the module that defines ``name``
(following the package ``__init__``'s re-exports), or to the submodule
``package.name``; importing a package itself is an edge to its ``__init__``.
A submodule's implicit import of its parent package is not counted: it is how
Python loads packages, not a dependency the code chose.
"""

import ast
import unittest
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("kdrama_rewind", "people", "reviews")
APPS = ("people", "reviews")

# The project package's modules that may import the apps: the root URLconf
# and settings name them by design.
PLUMBING_MAY_IMPORT_APPS = {
    "kdrama_rewind.settings",
    "kdrama_rewind.urls",
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            found[_module_name(path)] = path
    return found


@cache
def _tree(name: str) -> ast.Module:
    path = modules()[name]
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _is_package(name: str) -> bool:
    return modules()[name].name == "__init__.py"


def _absolute(name: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = name.split(".")
    if not _is_package(name):
        base.pop()
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


@cache
def _defined_by(package: str, attribute: str, seen: frozenset = frozenset()) -> str:
    """The module behind ``package.attribute``: the submodule of that name,
    else the module the package's ``__init__`` took the name from."""
    if f"{package}.{attribute}" in modules():
        return f"{package}.{attribute}"
    if package in seen or package not in modules() or not _is_package(package):
        return package
    for node in _tree(package).body:
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if (alias.asname or alias.name) == attribute:
                    source = _absolute(package, node)
                    if source in modules() and _is_package(source):
                        return _defined_by(source, alias.name, seen | {package})
                    return source if source in modules() else package
    return package


def _project(target: str) -> str | None:
    """The longest project module that ``target`` names, if any."""
    while target:
        if target in modules():
            return target
        target = target.rpartition(".")[0]
    return None


@cache
def imports(name: str) -> frozenset[str]:
    """The project modules ``name`` imports, anywhere in its code."""
    found = set()
    for node in ast.walk(_tree(name)):
        if isinstance(node, ast.Import):
            found.update(_project(alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            source = _absolute(name, node)
            if source not in modules():
                found.add(_project(source))
            elif _is_package(source):
                found.update(_defined_by(source, alias.name) for alias in node.names)
            else:
                found.add(source)
    found.discard(None)
    found.discard(name)
    return frozenset(found)


def cycles() -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    graph = {name: sorted(imports(name)) for name in modules()}
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
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
                groups.append(sorted(group))

    for name in graph:
        if name not in index:
            visit(name)
    return groups


def _path(group: list[str]) -> str:
    """The shortest cycle through the group's first module: a → b → a."""
    members, start = set(group), group[0]
    paths = [[start]]
    while paths:
        path = paths.pop(0)
        for target in sorted(imports(path[-1]) & members):
            if target == start:
                return " → ".join([*path, start])
            if target not in path:
                paths.append([*path, target])
    return " ↔ ".join(group)


class ModuleGraphTests(unittest.TestCase):
    def test_no_import_cycles(self):
        found = cycles()
        self.assertEqual(found, [], "import cycles:\n" + "\n".join(map(_path, found)))

    def test_project_package_does_not_import_the_apps(self):
        offenders = {
            name: sorted(t for t in imports(name) if t.split(".")[0] in APPS)
            for name in modules()
            if name.split(".")[0] == "kdrama_rewind"
            and name.split(".")[1:2] != ["migrations"]
            and name not in PLUMBING_MAY_IMPORT_APPS
        }
        self.assertEqual({k: v for k, v in offenders.items() if v}, {})
