"""ui.server: what one process shares among its sessions."""
import threading

from ui import server


def test_memory_is_reclaimed_by_one_thread_however_often_it_is_asked():
    """Every script run of app.py asks; the process gets one daemon thread, not one per run."""
    for _ in range(3):
        server.reclaim_memory_every(3600)
    threads = [t for t in threading.enumerate() if t.name == "lab-reclaim"]
    assert len(threads) == 1 and threads[0].daemon and threads[0].is_alive()


class _Thread:
    def __init__(self, name, ident):
        self.name, self.ident = name, ident


def test_a_page_is_drawn_while_a_script_runs_that_neither_trains_nor_waits_to(monkeypatch):
    monkeypatch.setattr(server, "_training_threads", {1, 2})
    script = server.SCRIPT_THREAD
    trainers = [_Thread(script, 1), _Thread(script, 2), _Thread("MainThread", 3)]
    assert not server.pages_drawing(lambda: trainers)
    assert not server.pages_drawing(lambda: [_Thread("AnyIO worker thread", 4)])
    assert server.pages_drawing(lambda: trainers + [_Thread(script, 5)])


def test_a_training_run_counts_as_training_inside_its_slot_queued_or_not():
    me = threading.get_ident()
    with server.training_slot(status=None):
        assert me in server._training_threads
    assert me not in server._training_threads
    try:
        with server.training_slot(status=None):
            raise KeyError
    except KeyError:
        pass
    assert me not in server._training_threads


class _Clocks:
    """A wall clock, this thread's CPU clock and a sleep that only records."""

    def __init__(self):
        self.now, self.cpu, self.slept = 100.0, 0.0, []

    def work(self, seconds):
        self.now += seconds
        self.cpu += seconds

    def make_way(self, drawing):
        server.make_way(clock=lambda: self.now, cpu=lambda: self.cpu,
                        sleep=self.slept.append, drawing=drawing)


def _fresh(monkeypatch, share=0.1):
    monkeypatch.setattr(server, "_look", [-1.0, False])
    monkeypatch.setattr(server, "_spent", threading.local())
    monkeypatch.setattr(server, "TRAINING_SHARE", share)
    return _Clocks()


def test_training_alone_never_pauses_and_looks_at_the_threads_only_now_and_then(monkeypatch):
    c, looks = _fresh(monkeypatch), []
    for _ in range(100):  # 100 batches of 1 ms: five looks, one every LOOK_EVERY
        c.work(0.001)
        c.make_way(lambda: looks.append(1) or False)
    assert c.slept == [] and len(looks) == 5


def test_while_a_page_is_drawn_training_takes_its_share_of_a_core(monkeypatch):
    c = _fresh(monkeypatch, share=0.1)
    for _ in range(10):
        c.work(0.002)
        c.make_way(lambda: True)
    # the first batch only starts the count; each one after sleeps 9x its CPU time
    assert len(c.slept) == 9 and all(abs(s - 0.018) < 1e-9 for s in c.slept)
    c.work(1.0)  # a long batch: one pause is capped, so Stop still answers quickly
    c.make_way(lambda: True)
    assert c.slept[-1] == server.LONGEST_PAUSE


def test_training_resumes_its_pace_once_the_page_is_drawn(monkeypatch):
    c, drawing = _fresh(monkeypatch), [True]
    for _ in range(3):
        c.work(0.001)
        c.make_way(lambda: drawing[0])
    drawing[0] = False
    c.work(server.LOOK_EVERY)  # the next look sees no page
    c.make_way(lambda: drawing[0])
    paused = len(c.slept)
    for _ in range(50):
        c.work(0.001)
        c.make_way(lambda: drawing[0])
    assert paused == 2 and len(c.slept) == paused


def test_a_share_of_one_never_pauses(monkeypatch):
    c = _fresh(monkeypatch, share=1.0)
    for _ in range(10):
        c.work(0.01)
        c.make_way(lambda: True)
    assert c.slept == []


def test_a_pass_collects_what_was_frozen_and_freezes_what_survives(monkeypatch):
    import gc
    import weakref

    class Node:
        pass

    monkeypatch.setattr(server, "FREEZE", True)
    try:
        node = Node()
        node.cycle = node  # garbage only a full collection finds
        gone = weakref.ref(node)
        gc.freeze()  # as between passes: Streamlit's own collections skip it
        del node
        gc.collect()
        assert gone() is not None
        server.collect()
        assert gone() is None and gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_the_memory_pass_waits_for_no_page_being_drawn_but_not_for_ever():
    slept, drawing = [], iter([True, True, False])
    server.wait_for_no_page(30, drawing=lambda: next(drawing), sleep=slept.append)
    assert len(slept) == 2
    slept.clear()
    server.wait_for_no_page(1, drawing=lambda: True, sleep=slept.append)
    assert 9 <= len(slept) <= 11
