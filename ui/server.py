"""What one server process shares among its sessions: the training slots, and what it can
tell about each session's browser.

Every session runs in this one process, so these are process-wide on purpose. Nothing
about a user's run lives here (that is st.session_state, in ui.panel).
"""
import ctypes
import ctypes.util
import gc
import os
import sys
import threading
import time
from contextlib import contextmanager

from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

from lab.i18n import _

# Sessions training at once in this process. Each has a core's worth of work to do; on a
# small box more at once only makes everyone slower, so the rest wait their turn.
MAX_TRAINING = max(1, int(os.environ.get("LAB_MAX_TRAINING", "2")))
# Messages waiting to go to a browser above which a redraw sends only the status line.
# A redraw is ~10 messages; Streamlit 1.67 drops a browser that falls 500 behind (a slow
# connection), which would end its training mid-run. A browser slow to *draw* does not
# show here: its socket takes the messages at once (hence ui.throttle's cheap redraws).
BACKLOG_LIMIT = 60

# Seconds a thread that wants the GIL waits before the thread holding it must let go
# (Python's default 0.005). A training run lets go inside each torch call but takes the
# GIL straight back, so the threads that serve pages (the event loop, a page's script)
# waited the full interval for each of their hundreds of short turns per page: with two
# runs training, 0.0005 took a new visitor's first heading from 3.6 s to 2.6 s (median,
# scripts/bench_visitors.py, server on one core). Alone a run never waits for it.
SWITCH_INTERVAL = float(os.environ.get("LAB_SWITCH_INTERVAL", "0.0005"))
sys.setswitchinterval(SWITCH_INTERVAL)

_slots = threading.BoundedSemaphore(MAX_TRAINING)
_waiting = [0]  # sessions queued for a slot right now (a list: shared and mutable)
_waiting_lock = threading.Lock()
_training_threads = set()  # the script threads in a training slot, or queued for one


@contextmanager
def training_slot(status):
    """Hold one of the process-wide training slots; while queueing for one, say so in the
    placeholder `status`."""
    me = threading.get_ident()
    _training_threads.add(me)  # from here this script run trains (or waits): not a page
    try:
        with _slot(status):
            yield
    finally:
        _training_threads.discard(me)


@contextmanager
def _slot(status):
    if not _slots.acquire(blocking=False):
        with _waiting_lock:
            _waiting[0] += 1
        try:
            while not _slots.acquire(timeout=0.5):
                # An st call each turn: Stop, or a closed tab, ends the wait here.
                status.markdown(_(
                    "⏳ **Queued**: {training} sessions are training on this server "
                    "and {waiting} waiting; yours starts when a slot frees up.").format(
                        training=MAX_TRAINING, waiting=_waiting[0]))
        finally:
            with _waiting_lock:
                _waiting[0] -= 1
    try:
        yield
    finally:
        _slots.release()


# Pages first. Every session's script runs in this one process: a training run and a new
# visitor's page share its GIL and its cores, and two training runs left the page a third
# of a core (scripts/bench_visitors.py: the first heading 4-6 s, 2 s idle). While any
# session's page is being drawn (a script run that is neither training nor queued), each
# training run takes at most TRAINING_SHARE of a core, sleeping after each batch in
# proportion to the CPU time the batch took; alone, it only looks at the clock.
SCRIPT_THREAD = "ScriptRunner.scriptThread"  # Streamlit 1.67's thread of a script run
# of a core, for each training run while a page is being drawn; 1 never pauses
TRAINING_SHARE = min(1.0, float(os.environ.get("LAB_TRAINING_SHARE", "0.1")))
LOOK_EVERY = 0.02      # seconds between looks at the script threads
LONGEST_PAUSE = 0.1    # seconds: one pause, however long the batch (Stop stays quick)
_look = [-1.0, False]  # when to look at the script threads next; whether a page was drawn
_spent = threading.local()  # per training thread: its CPU seconds when it last paused


def pages_drawing(threads=threading.enumerate):
    """Whether some session's script is running that is not training nor queued for it."""
    return any(t.name == SCRIPT_THREAD and t.ident not in _training_threads
               for t in threads())


def make_way(clock=time.monotonic, cpu=time.thread_time, sleep=time.sleep,
             drawing=pages_drawing):
    """Called by a training run after each batch: while a page is being drawn, pause long
    enough that this run takes at most TRAINING_SHARE of a core; otherwise return at once."""
    if TRAINING_SHARE >= 1:
        return
    now = clock()
    if now >= _look[0]:
        _look[0], _look[1] = now + LOOK_EVERY, drawing()
    if not _look[1]:
        _spent.cpu = None
        return
    before = getattr(_spent, "cpu", None)
    if before is not None:
        batch = cpu() - before
        sleep(min(LONGEST_PAUSE, batch * (1 - TRAINING_SHARE) / TRAINING_SHARE))
    _spent.cpu = cpu()


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


FREEZE = os.environ.get("LAB_GC_FREEZE", "1") != "0"


def collect():
    """A full garbage collection, of the frozen survivors of the last one too; the
    survivors of this one frozen in turn (see reclaim_memory_every)."""
    if FREEZE:
        gc.unfreeze()
    gc.collect()
    if FREEZE:
        gc.freeze()


def wait_for_no_page(longest, drawing=pages_drawing, sleep=time.sleep, step=0.1):
    """Return once no page is being drawn, or after about `longest` seconds."""
    waited = 0.0
    while waited < longest and drawing():
        sleep(step)
        waited += step


def reclaim_memory_every(seconds=RECLAIM_SECONDS):
    """Once per process: a thread that hands closed sessions' memory back, every `seconds`.

    A closed session is a reference cycle (AppSession, ScriptRunner, its widgets), so its
    runs and uploads wait for a full garbage collection, which Python may not run for a
    long time; and glibc keeps freed pages unless trimmed. Measured with
    scripts/measure_memory.py --uploads 4 --rounds 2: 688 MB above the start after the
    tabs closed without it, 37 MB with a collection and a trim every 10 s. A pass holds
    the GIL for 0.15-0.4 s, hence every 30 s, not more often, and it waits (up to
    `seconds`) for a moment when no page is being drawn.

    Between passes the objects that survived the last one are frozen (gc.freeze): the
    full collection Streamlit runs after every script run (runner.postScriptGC) then
    looks only at what is newer, not at torch's and Streamlit's ~300 000 objects. That
    collection held the GIL 0.3-0.6 s after each visitor's page, stopping every other
    session's page and training meanwhile. Each pass unfreezes them first, so what a
    closed session leaves is still collected within `seconds`.
    """
    with _waiting_lock:
        if _reclaimer:
            return
        libc = ctypes.util.find_library("c")
        trim = getattr(ctypes.CDLL(libc), "malloc_trim", None) if libc else None
        if FREEZE:
            gc.freeze()  # what this process has imported

        def reclaim():
            while True:
                time.sleep(seconds)
                wait_for_no_page(seconds)
                collect()
                if trim is not None:  # glibc only
                    trim(0)

        _reclaimer.append(threading.Thread(target=reclaim, name="lab-reclaim", daemon=True))
        _reclaimer[0].start()
