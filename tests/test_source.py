"""lab.source.source_of: what a page shows as "the code", read safely by many sessions at once.

Eight students opening a page at the same moment made inspect.getsource (ast.parse)
run in eight threads and crash one of them; source_of reads each object once, one
thread at a time. And what the pages show must be the lab's real code.
"""
import ast
import textwrap
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from lab import source
from lab.models import functions, logistic, softmax
from lab.source import source_of
from tests.pages import open_page

ROOT = Path(__file__).resolve().parents[1]
OBJECTS = [functions, functions.sigmoid, functions.bce, logistic.LogisticManual,
           softmax.SoftmaxManual]


@pytest.fixture
def reads(monkeypatch):
    """Every call of inspect.getsource that source_of makes, slowed down to widen any race;
    the most calls ever in progress at once is kept under "at once"."""
    calls, busy, lock = {"objects": [], "at once": 0}, [0], threading.Lock()
    getsource = source.inspect.getsource

    def counted(obj):
        with lock:
            busy[0] += 1
            calls["at once"] = max(calls["at once"], busy[0])
            calls["objects"].append(obj)
        time.sleep(0.01)
        try:
            return getsource(obj)
        finally:
            with lock:
                busy[0] -= 1

    source._read.cache_clear()  # a fresh process: nothing read yet
    monkeypatch.setattr(source.inspect, "getsource", counted)
    yield calls
    source._read.cache_clear()


def test_many_threads_at_once_get_the_same_text_each_read_once_by_one_thread(reads):
    barrier = threading.Barrier(8)

    def open_a_page(i):  # eight sessions, each asking for every source, in its own order
        barrier.wait()
        order = OBJECTS[i % len(OBJECTS):] + OBJECTS[:i % len(OBJECTS)]
        return {id(obj): source_of(obj) for obj in order * 4}

    with ThreadPoolExecutor(max_workers=8) as pool:
        seen = list(pool.map(open_a_page, range(8)))
    assert reads["at once"] == 1  # never two parses at the same time
    assert sorted(map(id, reads["objects"])) == sorted(map(id, OBJECTS))  # each read once
    assert all(s == seen[0] for s in seen)  # every session, the same text for each object


def test_the_text_is_the_objects_own_source_from_its_file():
    text = source_of(functions.sigmoid)
    assert text.startswith("def sigmoid(") and text in Path(functions.__file__).read_text()
    assert source_of(functions) == Path(functions.__file__).read_text()
    assert source_of(functions.sigmoid) is text  # cached: the same string object


def lab_definition(text):
    """(file, name) of the definition in lab/ that `text` is, verbatim, or None."""
    (node,) = ast.parse(textwrap.dedent(text)).body  # one def or class (a method is indented)
    assert isinstance(node, (ast.FunctionDef, ast.ClassDef)), ast.dump(node)[:80]
    for path in sorted((ROOT / "lab").rglob("*.py")):
        code = path.read_text(encoding="utf-8")
        at = code.find(text)
        if at < 0:
            continue
        line = code.count("\n", 0, at) + 1
        if any(isinstance(d, (ast.FunctionDef, ast.ClassDef)) and d.name == node.name
               and min([d.lineno] + [x.lineno for x in d.decorator_list]) == line
               for d in ast.walk(ast.parse(code))):
            return str(path.relative_to(ROOT)), node.name
    return None


@pytest.mark.parametrize("page", ["logistic", "softmax", "linear", "losses", "tensors"])
def test_the_code_a_page_shows_is_a_definition_in_lab(page):
    at = open_page(page)
    shown = [c.value for c in at.code if c.proto.language == "python"]
    assert shown, f"the {page} page shows no code"
    for text in shown:
        compile(textwrap.dedent(text), f"<{page} page>", "exec")
        assert lab_definition(text) is not None, text[:200]
