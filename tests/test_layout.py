"""Layering rules, checked on the import graph as it happens and on the source text.

`lab/` is pure ML (no Streamlit, no UI); `ui/` never reaches into `views/`; no module
imports another that imports it back; no project import is hidden inside a function;
and only lab/models decides anything by a model family's name.
"""
import ast
import importlib.util
import json
import subprocess
import sys
import traceback
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROJECT = ("lab", "ui", "views")  # the project's packages (app.py is a script beside them)
FAMILIES = {"logistic", "softmax", "linear"}


# -- the import graph as it happens --------------------------------------------------

def is_script(path: Path, root: Path) -> bool:
    """A script runs, it is not imported: app.py, the pages (views/), a package's __main__.py.

    The pages need a Streamlit runtime (in bare mode their widgets return None and the
    page raises), so for scripts only their import statements are run.
    """
    relative = path.relative_to(root)
    return relative.parts[0] in ("app.py", "views") or path.name == "__main__.py"


def project_files(root: Path) -> dict[str, str]:
    """Module name → path of every Python file of the project under `root`."""
    files = {"app": root / "app.py"} if (root / "app.py").exists() else {}
    for package in PROJECT:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            files[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return {name: str(path) for name, path in files.items()}


def record_imports(root: str, out: str) -> None:
    """In a fresh interpreter: load each project module in turn with no other project
    module loaded, noting every import statement that runs (importer → imported).

    Third-party packages stay loaded from one module to the next (that keeps the whole
    graph a few seconds); project modules are dropped from sys.modules before each, so
    each one is imported on its own. Writes {"edges", "errors", "lab_loaded"} to `out`.
    """
    root_path = Path(root)
    sys.path.insert(0, root)
    files = project_files(root_path)
    edges, errors = set(), {}
    builtins = sys.modules["builtins"]
    original = builtins.__import__

    def noting(name, globals=None, locals=None, fromlist=(), level=0):
        try:
            return original(name, globals, locals, fromlist, level)
        finally:  # noted even when the import fails: a failing loop is a loop too
            importer = (globals or {}).get("__name__", "")
            if importer in files:
                absolute = name if not level else importlib.util.resolve_name(
                    "." * level + name, globals.get("__package__"))
                # `from a import b` depends on the module a.b when there is one, else on a.
                targets = {f"{absolute}.{item}" if f"{absolute}.{item}" in sys.modules else absolute
                           for item in (fromlist or ()) if item != "*"} or {absolute}
                edges.update((importer, target) for target in targets)

    def forget_project():
        for name in [n for n in sys.modules if n.split(".")[0] in PROJECT + ("app",)]:
            del sys.modules[name]

    builtins.__import__ = noting
    lab_loaded = None
    # lab first: whether the whole of lab loads without Streamlit is read right after it.
    for name in sorted(files, key=lambda n: (not n.startswith("lab"), n)):
        if lab_loaded is None and not name.startswith("lab"):
            lab_loaded = sorted({n.split(".")[0] for n in sys.modules})
        forget_project()
        path = Path(files[name])
        try:
            if is_script(path, root_path):
                tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
                imports = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
                code = compile(ast.Module(imports, type_ignores=[]), str(path), "exec")
                exec(code, {"__name__": name, "__package__": name.rpartition(".")[0]})
            else:
                importlib.import_module(name)
        except BaseException:  # noqa: BLE001 — a module that fails is the finding
            errors[name] = traceback.format_exc(limit=-3)
    builtins.__import__ = original
    Path(out).write_text(json.dumps({"edges": sorted(edges), "errors": errors,
                                     "lab_loaded": lab_loaded or []}))


def import_graph(root: Path, tmp_path: Path) -> dict:
    """record_imports run in a fresh interpreter on the project under `root`."""
    out = tmp_path / "graph.json"
    worker = (f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); "
              f"import test_layout; test_layout.record_imports({str(root)!r}, {str(out)!r})")
    done = subprocess.run([sys.executable, "-c", worker], cwd=root, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0 and out.exists(), done.stderr[-3000:]
    graph = json.loads(out.read_text())
    graph["edges"] = [tuple(edge) for edge in graph["edges"]]
    return graph


def project_edges(edges):
    """The edges between the project's own modules (app.py included)."""
    ours = PROJECT + ("app",)
    return [(a, b) for a, b in edges if b.split(".")[0] in ours]


def find_cycle(edges) -> list[str]:
    """One cycle of the directed graph as [a, b, …, a], or [] if there is none."""
    graph = {}
    for a, b in edges:
        graph.setdefault(a, []).append(b)
    state, stack = {}, []  # state: 1 on the current path, 2 done

    def visit(node):
        state[node] = 1
        stack.append(node)
        for nxt in graph.get(node, []):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return []

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return []


def layering_violations(edges, lab_loaded) -> list[str]:
    """lab never imports ui, views or streamlit; ui never imports views."""
    forbidden = {"lab": {"ui", "views", "streamlit", "app"}, "ui": {"views", "app"}}
    found = [f"{a} imports {b}" for a, b in edges
             if b.split(".")[0] in forbidden.get(a.split(".")[0], ())]
    found += [f"importing lab loads {name}"
              for name in sorted(set(lab_loaded) & {"streamlit", "ui", "views"})]
    return sorted(found)


@pytest.fixture(scope="module")
def graph(tmp_path_factory):
    return import_graph(ROOT, tmp_path_factory.mktemp("graph"))


def test_every_project_module_is_found():
    names = project_files(ROOT)
    assert {"app", "lab", "lab.data", "lab.models", "lab.train"} <= set(names)
    assert any(n.startswith("ui.") for n in names) and any(n.startswith("views.") for n in names)


def test_every_module_imports_on_its_own(graph):
    errors = graph["errors"]
    assert errors == {}, "\n".join(f"{name}:\n{tb}" for name, tb in errors.items())


def test_the_import_graph_was_recorded(graph):
    importers = {a for a, b in project_edges(graph["edges"])}
    pages = {name for name in project_files(ROOT) if name.startswith("views.")}
    assert pages <= importers and {"lab.data", "lab.train"} <= importers  # the scripts' too


def test_no_import_cycle(graph):
    cycle = find_cycle(project_edges(graph["edges"]))
    assert cycle == [], "import cycle: " + " → ".join(cycle)


def test_layering(graph):
    assert layering_violations(graph["edges"], graph["lab_loaded"]) == []
    assert "torch" in graph["lab_loaded"]  # the check above did see lab loaded


# -- the same rules on the source text --------------------------------------------------

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
    assert list((ROOT / "lab").rglob("*.py")), "lab/ has no Python files: the scans would pass"


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [("lab", {"streamlit", "ui", "pages", "views"}), ("ui", {"pages", "views"})],
)
def test_no_forbidden_imports(package, forbidden):
    """Also imports the graph above cannot see: those inside functions not yet called."""
    assert violations(package, forbidden) == []


def hidden_imports(path: Path, root: Path) -> list[str]:
    """Imports of a project module inside a function or class body (third-party ones,
    like sklearn in a loader, may stay lazy: they cannot close a cycle of ours)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for scope in ast.walk(tree):
        if not isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for node in ast.walk(scope):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = ["." * node.level + (node.module or "")]
            else:
                continue
            found += [f"{path.relative_to(root)}:{node.lineno} imports {name} in {scope.name}"
                      for name in names if name.startswith(".") or name.split(".")[0] in PROJECT]
    return sorted(set(found))


def test_no_project_import_hidden_in_a_function():
    found = [v for path in map(Path, project_files(ROOT).values())
             for v in hidden_imports(path, ROOT)]
    assert found == []


def family_keyed(path: Path, root: Path) -> list[str]:
    """Where code decides by a family's name: `x.model == "softmax"`, `family in ("linear",
    …)`, `case "logistic":` on a model, or a dict keyed by two or more family names.

    Naming a family is fine (a page's Panel("logistic", …), a URL, RunConfig(model=…));
    comparing a model or family against the names is what a Family object is for.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))

    def names_a_family(node):
        items = node.elts if isinstance(node, (ast.Tuple, ast.List, ast.Set)) else [node]
        return any(isinstance(i, ast.Constant) and i.value in FAMILIES for i in items)

    def mentions_model(node):
        words = [n.id for n in ast.walk(node) if isinstance(n, ast.Name)]
        words += [n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)]
        words += [n.value for n in ast.walk(node)
                  if isinstance(n, ast.Constant) and isinstance(n.value, str)]
        return any("model" in w.lower() or "family" in w.lower() for w in words)

    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(names_a_family(s) for s in sides) and any(
                    mentions_model(s) for s in sides if not names_a_family(s)):
                found.append((node.lineno, ast.unparse(node)))
        elif isinstance(node, ast.Match) and mentions_model(node.subject):
            found += [(case.pattern.lineno, f"case {ast.unparse(case.pattern)}")
                      for case in node.cases if any(isinstance(p, ast.MatchValue) and names_a_family(p.value)
                             for p in ast.walk(case.pattern))]
        elif isinstance(node, ast.Dict):
            keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
            if len(keys & FAMILIES) >= 2:
                found.append((node.lineno, "a dict keyed by " + ", ".join(sorted(keys & FAMILIES))))
    return [f"{path.relative_to(root)}:{line}: {what}" for line, what in sorted(found)]


def test_nothing_outside_lab_models_is_keyed_on_a_family_name():
    models = ROOT / "lab" / "models"
    found = [v for path in map(Path, project_files(ROOT).values())
             if models not in path.parents for v in family_keyed(path, ROOT)]
    assert found == [], "\n".join(found)


# -- the checks above, against a tree broken on purpose -----------------------------------

BROKEN = {
    "app.py": "import streamlit\n",
    "lab/__init__.py": "",
    "lab/data/__init__.py": "from lab.data import vision\n",  # a loop that happens to load
    "lab/data/vision.py": "import lab.data\nMNIST = 1\n",
    "lab/one.py": "from lab.two import B\nA = 1\n",  # a loop that fails whichever comes first
    "lab/two.py": "from lab.one import A\nB = 1\n",
    "lab/models/__init__.py": "from lab.models.logistic import Manual\n",  # fine: the
    "lab/models/logistic.py": "from lab.models import functions\nManual = 1\n",  # parent
    "lab/models/functions.py": "",  # runs first only because the import system says so
    "lab/plot.py": "import streamlit\n",
    "lab/broken.py": "raise RuntimeError('broken on purpose')\n",
    "lab/lazy.py": "def f():\n    from lab import plot\n    import sklearn\n",
    "lab/export.py": ('def f(config, family):\n'
                      '    if config.model == "softmax": pass\n'
                      '    if family.name in ("linear", "other"): pass\n'
                      '    match config.model:\n        case "logistic": pass\n'
                      '    return {"logistic": 1, "softmax": 2}\n'
                      'URL = "logistic" == "logistic"\n'),  # not about a model: allowed
    "ui/panel.py": "import views.page\n",
    "views/page.py": "import ui.panel\n",
    "views/other.py": "import ui.panel\nraise RuntimeError('a page needs a runtime')\n",
}


@pytest.fixture(scope="module")
def broken(tmp_path_factory):
    root = tmp_path_factory.mktemp("broken")
    for name, text in BROKEN.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root, import_graph(root, tmp_path_factory.mktemp("broken_graph"))


def test_the_checks_catch_a_module_that_fails_on_its_own(broken):
    _, graph = broken
    assert set(graph["errors"]) == {"lab.broken", "lab.one", "lab.two"}  # a page's body is not run
    assert "broken on purpose" in graph["errors"]["lab.broken"]
    assert "partially initialized" in graph["errors"]["lab.one"]


def test_the_checks_catch_a_cycle_but_not_a_package_and_its_submodule(broken):
    _, graph = broken
    edges = project_edges(graph["edges"])
    loops = [{"lab.data", "lab.data.vision"}, {"lab.one", "lab.two"}, {"ui.panel", "views.page"}]
    for loop in loops:  # each is found, also with the others gone
        others = set().union(*(other for other in loops if other != loop))
        assert set(find_cycle([e for e in edges if not others & set(e)])) == loop
    assert find_cycle([e for e in edges if not {"lab.data", "lab.one", "ui.panel"} & set(e)]) == []
    assert {("lab.models", "lab.models.logistic"), ("lab.models.logistic", "lab.models.functions")
            } <= set(edges)  # no cycle: lab.models.functions → lab.models is implicit
    assert find_cycle([("a", "b"), ("b", "c"), ("c", "a")]) == ["a", "b", "c", "a"]


def test_the_checks_catch_layering_hidden_imports_and_family_names(broken):
    root, graph = broken
    assert layering_violations(graph["edges"], graph["lab_loaded"]) == [
        "importing lab loads streamlit", "lab.plot imports streamlit",
        "ui.panel imports views.page"]
    assert hidden_imports(root / "lab/lazy.py", root) == ["lab/lazy.py:2 imports lab in f"]
    assert [v.split(": ")[0] for v in family_keyed(root / "lab/export.py", root)] == [
        "lab/export.py:2", "lab/export.py:3", "lab/export.py:5", "lab/export.py:6"]
