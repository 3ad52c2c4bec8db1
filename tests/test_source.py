"""Reading the lab's own source from many threads at once (eight students opening a page)."""
import inspect
from concurrent.futures import ThreadPoolExecutor

from lab.models import functions
from lab.models import logistic
from lab.models import softmax
from lab.source import source_of


def test_source_of_is_inspects_source():
    assert source_of(functions.sigmoid) == inspect.getsource(functions.sigmoid)


def test_many_threads_read_sources_at_once_without_error():
    objects = [functions, logistic.LogisticManual, softmax.SoftmaxManual, functions.bce] * 16
    with ThreadPoolExecutor(max_workers=8) as pool:
        sources = list(pool.map(source_of, objects))
    assert all(s == inspect.getsource(o) for s, o in zip(sources, objects))
