"""Reads have one home: views run no query of their own, and queries write nothing."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "clinic_onboard"
# The tenant loaders, the user loader, and the plan cache, which loads the plan its guard covers.
VIEW_LOADERS = {"tenancy.py", "security.py", "plan_cache.py"}
SESSION_READS = {"scalar", "scalars", "execute", "get"}
SESSION_WRITES = {"add", "add_all", "delete", "flush", "commit", "merge", "begin_nested"}
STATEMENT_WRITES = {"insert", "update", "delete"}


def _session_calls(tree: ast.AST) -> list[tuple[str, int]]:
    """Each ``db.session.<name>(...)`` call, and each call of a bare name, with its line."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name):
            found.append((func.id, node.lineno))
        elif isinstance(func, ast.Attribute) and ast.unparse(func.value) == "db.session":
            found.append((f"session.{func.attr}", node.lineno))
    return found


def _calls(path: Path) -> list[tuple[str, int]]:
    return _session_calls(ast.parse(path.read_text(encoding="utf-8")))


@pytest.mark.parametrize(
    "view", sorted(p.name for p in (PACKAGE / "web").glob("*.py") if p.name not in VIEW_LOADERS)
)
def test_views_call_a_query_instead_of_running_one(view: str) -> None:
    reads = [
        (name, line)
        for name, line in _calls(PACKAGE / "web" / view)
        if name == "select" or name.removeprefix("session.") in SESSION_READS
    ]
    assert reads == [], f"web/{view} reads the database itself: move it to queries/"


@pytest.mark.parametrize("module", sorted(p.name for p in (PACKAGE / "queries").glob("*.py")))
def test_queries_write_nothing(module: str) -> None:
    writes = [
        (name, line)
        for name, line in _calls(PACKAGE / "queries" / module)
        if name in STATEMENT_WRITES or name.removeprefix("session.") in SESSION_WRITES
    ]
    assert writes == [], f"queries/{module} writes: that belongs in operations/"


def test_the_package_root_holds_no_read_model() -> None:
    root = {p.name for p in PACKAGE.glob("*.py")}
    assert not root & {"dashboard.py", "pdf_exports.py", "planning.py"}
