"""The layers hold: checked on the code itself, beside `lint-imports` (which checks the
package's imports against pyproject's contract but cannot see pages/ or app.py)."""

import ast
from pathlib import Path

import pytest

from lessons import store
from tests.conftest import ROOT

LESSONS = sorted((ROOT / "lessons").rglob("*.py"))
PAGES = sorted((ROOT / "pages").glob("*.py")) + [ROOT / "app.py"]

# Imports a module may make inside a function, each with its reason. An import inside a
# function is how a cycle hides, and the contract forbids cycles outright; the only ones
# allowed are heavy third-party libraries needed only when a model is trained.
ALLOWED_FUNCTION_IMPORTS: dict[tuple[str, str], str] = {
    ("lessons/learned.py", "scipy.sparse"): "loaded only to train: keeps start-up fast",
    ("lessons/learned.py", "sklearn.linear_model"): "about 1 s to import; only training needs it",
}


def tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), filename=str(path))


def name(path: Path) -> str:
    return str(path.relative_to(ROOT))


def function_imports(path: Path) -> list[tuple[str, str]]:
    found = []
    for node in ast.walk(tree(path)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Import):
                    found += [(name(path), alias.name) for alias in inner.names]
                elif isinstance(inner, ast.ImportFrom):
                    found.append((name(path), inner.module or "."))
    return found


def test_the_checks_see_the_code():
    assert len(LESSONS) > 30 and len(PAGES) > 10
    assert function_imports(ROOT / "benchmarks" / "dashboard_speed.py")  # it would see one


def test_no_module_in_lessons_imports_inside_a_function():
    found = [hit for path in LESSONS for hit in function_imports(path)]
    assert [hit for hit in found if hit not in ALLOWED_FUNCTION_IMPORTS] == []


@pytest.mark.parametrize("page", PAGES, ids=name)
def test_a_page_reaches_the_database_only_through_the_domain(page):
    for node in ast.walk(tree(page)):
        if isinstance(node, ast.ImportFrom):
            imported = [node.module or ""] + [f"{node.module}.{a.name}" for a in node.names]
            assert not any(m == "lessons.store" or m.startswith("lessons.store.") for m in imported)
        elif isinstance(node, ast.Import):
            assert not any(a.name.startswith("lessons.store") for a in node.names)
        elif isinstance(node, ast.Attribute):
            # No reading or transaction opened in a page, and no store reached by attribute.
            assert node.attr not in ("reading", "transaction", "cursor", "store")


def clock_calls(path: Path) -> list[str]:
    """Calls of datetime.now(), datetime.today() or date.today(), however imported."""
    found = []
    for node in ast.walk(tree(path)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("now", "today", "utcnow")
        ):
            owner = ast.unparse(node.func.value).split(".")[-1]
            if owner in ("datetime", "date"):
                found.append(f"{name(path)}:{node.lineno} {ast.unparse(node)}")
    return found


def test_only_the_clock_reads_the_time():
    clock = ROOT / "lessons" / "clock.py"
    assert clock_calls(clock)  # the one place that may
    found = [call for path in [*LESSONS, *PAGES] if path != clock for call in clock_calls(path)]
    assert found == []


def public_names(path: Path) -> set[str]:
    names = set()
    for node in tree(path).body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return {n for n in names if not n.startswith("_")}


# What the store's modules share among themselves; not part of its interface.
STORE_INTERNALS = {"split_lines", "query_frame", "insert_rows", "shown_name", "update_columns"}


def test_the_store_names_its_whole_interface_and_nothing_else():
    modules = [p for p in (ROOT / "lessons" / "store").glob("*.py") if p.name != "__init__.py"]
    defined = set().union(*(public_names(p) for p in modules)) - STORE_INTERNALS
    assert set(store.__all__) == defined | {"open_database"}
    assert all(hasattr(store, n) for n in store.__all__)


def test_no_private_helper_is_shared_across_modules():
    for path in LESSONS:
        for node in ast.walk(tree(path)):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("lessons"):
                private = [a.name for a in node.names if a.name.startswith("_")]
                assert private == [], f"{name(path)} imports {private} from {node.module}"
