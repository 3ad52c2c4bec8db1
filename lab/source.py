"""The source of the lab's own code, read once per process and never by two threads at once.

inspect.getsource parses the whole module with ast.parse, and building Python AST
objects is not thread-safe in CPython 3.11: when eight sessions opened a page at the
same moment, one of them died with "SystemError: AST constructor recursion depth
mismatch" (seen in the concurrency browser test). One lock and a cache make it safe:
each object's source is read once, by one thread. (Streamlit's own ast.parse, its
"magic", is switched off in .streamlit/config.toml for the same reason.)
"""
import functools
import inspect
import threading

_lock = threading.Lock()


def source_of(obj):
    """inspect.getsource(obj), thread-safe and cached."""
    with _lock:
        return _read(obj)


@functools.cache
def _read(obj):
    return inspect.getsource(obj)
