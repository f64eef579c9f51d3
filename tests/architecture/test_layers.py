"""The layout's rules that import-linter cannot see, read from the source itself.

- A slice's pure core (a module that reaches no store, service, adapter or platform module) pulls in no
  framework, not even through the modules it imports.
- No import inside a function, unless the line says why (`# lazy:` for start-up time of a command,
  `# optional:` for an extra that may not be installed).
- No source file over 400 lines.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "ponte"
SLICES = {
    "accounts", "analytics", "catalog", "classify", "customs", "duties", "fulfilment", "journey", "live",
    "logistics", "orders", "warehouses", "webhooks",
}  # fmt: skip
FRAMEWORKS = {"fastapi", "starlette", "sqlalchemy", "typer", "jinja2", "httpx", "psycopg", "rich", "alembic"}
NOT_CORE = re.compile(r"service|store|adapters|^ponte\.platform")


def _name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_name(p): p for p in SRC.rglob("*.py")}


@cache
def _tree(module: str) -> ast.Module:
    return ast.parse(MODULES[module].read_text("utf-8"))


@cache
def _imports(module: str) -> tuple[frozenset[str], frozenset[str]]:
    """(Ponte modules, top-level external packages) that ``module`` imports."""
    ours: set[str] = set()
    theirs: set[str] = set()
    for node in ast.walk(_tree(module)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                (ours if alias.name.startswith("ponte") else theirs).add(alias.name)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.startswith("ponte"):
                ours.add(node.module)
                ours.update(f"{node.module}.{a.name}" for a in node.names)
            else:
                theirs.add(node.module)
    return frozenset(m for m in ours if m in MODULES), frozenset(t.split(".")[0] for t in theirs)


def _reach(module: str) -> set[str]:
    seen, todo = {module}, [module]
    while todo:
        for found in _imports(todo.pop())[0] - seen:
            seen.add(found)
            todo.append(found)
    return seen


def _is_core(module: str) -> bool:
    parts = module.split(".")
    if len(parts) < 3 or parts[1] not in SLICES or NOT_CORE.search(module):
        return False
    return not any(NOT_CORE.search(m) for m in _imports(module)[0])


def test_cores_pull_in_no_framework() -> None:
    cores = [m for m in MODULES if _is_core(m)]
    assert len(cores) > 50, "the slices' pure cores are found"
    broken = {
        core: sorted(
            f"{m} imports {', '.join(sorted(_imports(m)[1] & FRAMEWORKS))}"
            for m in _reach(core)
            if _imports(m)[1] & FRAMEWORKS
        )
        for core in cores
    }
    assert not {k: v for k, v in broken.items() if v}


def test_no_import_hides_inside_a_function() -> None:
    hidden = []
    for module, path in MODULES.items():
        lines = path.read_text("utf-8").splitlines()
        for node in ast.walk(_tree(module)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Import | ast.ImportFrom):
                        line = " ".join(lines[inner.lineno - 1 : inner.end_lineno])
                        if "# lazy:" not in line and "# optional:" not in line:
                            hidden.append(f"{path.relative_to(SRC)}:{inner.lineno}: {line.strip()}")
    assert not sorted(set(hidden))


def test_no_source_file_passes_400_lines() -> None:
    long = {
        str(p.relative_to(SRC)): n
        for p in MODULES.values()
        if (n := len(p.read_text("utf-8").splitlines())) > 400
    }
    assert not long
