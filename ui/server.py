"""What one server process shares among its sessions: the training slots, and what it can
tell about each session's browser.

Every session runs in this one process, so these are process-wide on purpose. Nothing
about a user's run lives here (that is st.session_state, in ui.panel).
"""
import ctypes
import ctypes.util
import gc
import os
import threading
import time
from contextlib import contextmanager

from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

# Sessions training at once in this process. Each has a core's worth of work to do; on a
# small box more at once only makes everyone slower, so the rest wait their turn.
MAX_TRAINING = max(1, int(os.environ.get("LAB_MAX_TRAINING", "2")))
# Messages waiting to go to a browser above which a redraw sends only the status line.
# A redraw is ~10 messages; Streamlit 1.67 drops a browser that falls 500 behind (a slow
# connection), which would end its training mid-run. A browser slow to *draw* does not
# show here: its socket takes the messages at once (hence ui.throttle's cheap redraws).
BACKLOG_LIMIT = 60

_slots = threading.BoundedSemaphore(MAX_TRAINING)
_waiting = [0]  # sessions queued for a slot right now (a list: shared and mutable)
_waiting_lock = threading.Lock()


@contextmanager
def training_slot(status):
    """Hold one of the process-wide training slots; while queueing for one, say so in the
    placeholder `status`."""
    if not _slots.acquire(blocking=False):
        with _waiting_lock:
            _waiting[0] += 1
        try:
            while not _slots.acquire(timeout=0.5):
                # An st call each turn: Stop, or a closed tab, ends the wait here.
                status.markdown(
                    f"⏳ **Queued**: {MAX_TRAINING} sessions are training on this server "
                    f"and {_waiting[0]} waiting; yours starts when a slot frees up.")
        finally:
            with _waiting_lock:
                _waiting[0] -= 1
    try:
        yield
    finally:
        _slots.release()


def _client():
    """This session's browser connection, or None (none in AppTest, or internals that
    changed). Reads Streamlit 1.67's internals, guarded: elsewhere it is simply None."""
    try:
        session_id = get_script_run_ctx().session_id
        info = Runtime.instance()._session_mgr.get_active_session_info(session_id)
        return info.client if info is not None else None
    except Exception:  # noqa: BLE001 — no runtime, or internals that changed
        return None


def has_browser():
    """Whether a browser is connected to this session: without one (AppTest), or on
    another Streamlit version, a train=1 link trains at once."""
    return _client() is not None


def client_backlog():
    """Messages queued for this session's browser and not yet sent; 0 when unknown (no
    browser, or internals that changed): then redraws are only throttled by time."""
    try:
        return _client()._send_queue.qsize()
    except Exception:  # noqa: BLE001 — no signal
        return 0


def browser_behind():
    """Whether this session's browser has so much waiting that a redraw should wait."""
    return client_backlog() >= BACKLOG_LIMIT


RECLAIM_SECONDS = 30
_reclaimer = []  # the one thread, once started


def reclaim_memory_every(seconds=RECLAIM_SECONDS):
    """Once per process: a thread that hands closed sessions' memory back, every `seconds`.

    A closed session is a reference cycle (AppSession, ScriptRunner, its widgets), so its
    runs and uploads wait for a full garbage collection, which Python may not run for a
    long time; and glibc keeps freed pages unless trimmed. Measured with
    scripts/measure_memory.py --uploads 4 --rounds 2: 688 MB above the start after the
    tabs closed without it, 37 MB with a collection and a trim every 10 s. A pass holds
    the GIL for 0.15-0.4 s, hence every 30 s, not more often.
    """
    with _waiting_lock:
        if _reclaimer:
            return
        libc = ctypes.util.find_library("c")
        trim = getattr(ctypes.CDLL(libc), "malloc_trim", None) if libc else None

        def reclaim():
            while True:
                time.sleep(seconds)
                gc.collect()
                if trim is not None:  # glibc only
                    trim(0)

        _reclaimer.append(threading.Thread(target=reclaim, name="lab-reclaim", daemon=True))
        _reclaimer[0].start()
