"""The shape of the house, read from the source (docs/architecture.md draws it).

- No import circles between the project's modules. Every import counts: top-level, inside a function
  (a late import does not make a circle go away, it only hides it) and under ``TYPE_CHECKING``.
- Dependencies point one way: config → apps → departments/accounts → common; ``policyparse`` stands
  alone (no Django, nothing from the project).
- No function over ``MAX_FUNCTION_LINES`` lines outside tests, migrations and bench/.

Pure AST: nothing is imported, so the check runs without Django and without a database.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Every top-level package of the project but the tests; bench/ and scripts/ are scripts, not packages.
PACKAGES = sorted(p.name for p in ROOT.iterdir() if (p / "__init__.py").is_file() and p.name != "tests")
MAX_FUNCTION_LINES = 100
# Functions still over MAX_FUNCTION_LINES, "module:qualified name" → lines when listed. Keep this short:
# split a function rather than list it, and never raise a number here. Not split yet for lack of time (issue 13):
LONG_FUNCTIONS_ALLOWED: dict[str, int] = {
    "policyparse.parser:parse_text": 263,
    "tasks.web.dashboard:cockpit_data": 111,
    "assessment.scoring:_Computation.build": 116,
}


def _modules() -> dict[str, Path]:
    """Dotted module name → file, for every project module outside migrations."""
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            rel = path.relative_to(ROOT)
            if "migrations" in rel.parts:
                continue
            parts = list(rel.with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


MODULES = _modules()


def _imported_names(module: str, path: Path) -> Iterator[str]:
    """Every dotted name ``module`` imports, anywhere in the file; relative imports resolved."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".")
                base_parts = base_parts[: len(base_parts) - (node.level - 1)]
                base = ".".join(base_parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            for alias in node.names:
                # ``from pkg import mod`` depends on the module ``pkg.mod``; ``from pkg import name`` on ``pkg``.
                full = f"{base}.{alias.name}"
                yield full if full in MODULES else base


def _graph() -> dict[str, set[str]]:
    """Module → the project modules it imports (the longest project-module prefix of each name)."""
    graph: dict[str, set[str]] = {}
    for module, path in MODULES.items():
        edges: set[str] = set()
        for name in _imported_names(module, path):
            parts = name.split(".")
            while parts and ".".join(parts) not in MODULES:
                parts.pop()
            target = ".".join(parts)
            if target and target != module:
                edges.add(target)
        graph[module] = edges
    return graph


def _external(path: Path) -> set[str]:
    """Top-level names of everything a file imports (absolute imports only)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names.add(node.module.split(".")[0])
    return names


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle per strongly connected component of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(sorted(component))
    return [_one_cycle(graph, set(c)) for c in components]


def _one_cycle(graph: dict[str, set[str]], component: set[str]) -> list[str]:
    """A shortest path from the component's first module back to itself, inside the component."""
    start = min(component)
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for child in sorted(graph[node] & component):
            if child == start:
                return [*paths[node], start]
            if child not in paths:
                paths[child] = [*paths[node], child]
                queue.append(child)
    return sorted(component)  # pragma: no cover - a component always holds a cycle


def test_the_project_packages_are_found() -> None:
    assert {"accounts", "common", "config", "departments", "policyparse", "reminders", "tasks"} <= set(PACKAGES)
    assert "tasks.models" in MODULES and "policyparse" in MODULES


def test_no_import_cycles() -> None:
    cycles = _cycles(_graph())
    assert not cycles, "import circles:\n" + "\n".join(" → ".join(c) for c in cycles)


def _top(module: str) -> str:
    return module.split(".")[0]


# package → project packages it must not import (config may import anything; nothing imports config).
FORBIDDEN = {
    "policyparse": set(PACKAGES) - {"policyparse"},
    "common": set(PACKAGES) - {"common"},
    "accounts": {"tasks", "reminders", "assessment", "config"},
    "departments": {"tasks", "reminders", "assessment", "config"},
}
for _package in PACKAGES:
    if _package != "config":
        FORBIDDEN.setdefault(_package, set()).add("config")


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_dependencies_point_one_way(package: str) -> None:
    graph = _graph()
    wrong = sorted(
        f"{module} → {target}"
        for module, targets in graph.items()
        if _top(module) == package
        for target in targets
        if _top(target) in FORBIDDEN[package] and _top(target) != package
    )
    assert not wrong, f"{package} must not import {sorted(FORBIDDEN[package])}:\n" + "\n".join(wrong)


def test_policyparse_is_pure_python() -> None:
    framework = {"django", "rest_framework", "celery", "django_filters", "drf_spectacular"}
    wrong = sorted(
        f"{module} imports {name}"
        for module, path in MODULES.items()
        if _top(module) == "policyparse"
        for name in _external(path) & framework
    )
    assert not wrong, "\n".join(wrong)


def _functions(tree: ast.AST, prefix: str = "") -> Iterator[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield prefix + node.name, node
            yield from _functions(node, f"{prefix}{node.name}.")
        elif isinstance(node, ast.ClassDef):
            yield from _functions(node, f"{prefix}{node.name}.")
        else:
            yield from _functions(node, prefix)


def test_no_function_is_too_long() -> None:
    long: dict[str, int] = {}
    for module, path in MODULES.items():
        for name, node in _functions(ast.parse(path.read_text(encoding="utf-8"))):
            lines = (node.end_lineno or node.lineno) - node.lineno + 1
            if lines > MAX_FUNCTION_LINES:
                long[f"{module}:{name}"] = lines
    over = {k: v for k, v in long.items() if v > LONG_FUNCTIONS_ALLOWED.get(k, MAX_FUNCTION_LINES)}
    assert not over, f"functions over {MAX_FUNCTION_LINES} lines (split them into named steps):\n" + "\n".join(
        f"{k}: {v} lines" for k, v in sorted(over.items())
    )
    stale = sorted(set(LONG_FUNCTIONS_ALLOWED) - set(long))
    assert not stale, f"no longer long, remove from LONG_FUNCTIONS_ALLOWED: {stale}"


def test_reminder_jobs_are_sent_by_their_registered_names() -> None:
    """reminders.services sends jobs by name (it must not import reminders.jobs): the names must exist."""
    from reminders import jobs, services

    assert services.SWEEP_JOB == jobs.reminders_sweep_job.name
    assert services.DELIVER_PENDING_JOB == jobs.reminders_deliver_pending_job.name
