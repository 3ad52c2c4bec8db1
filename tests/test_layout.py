"""Layering rules: `lab/` is pure ML (no Streamlit, no UI); `ui/` never reaches into `views/`."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def imported_top_names(path: Path) -> set[tuple[str, int]]:
    """(top-level module name, line) for every import in `path`; relative imports are skipped."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {(alias.name.split(".")[0], node.lineno) for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add((node.module.split(".")[0], node.lineno))
    return found


def violations(package: str, forbidden: set[str]) -> list[str]:
    return sorted(
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in (ROOT / package).rglob("*.py")
        for name, line in imported_top_names(path)
        if name in forbidden
    )


def test_lab_exists():
    assert list((ROOT / "lab").rglob("*.py")), "lab/ has no Python files: the scan below would pass vacuously"


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [("lab", {"streamlit", "ui", "pages", "views"}), ("ui", {"pages", "views"})],
)
def test_no_forbidden_imports(package, forbidden):
    assert violations(package, forbidden) == []
