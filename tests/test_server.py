"""ui.server: what one process shares among its sessions."""
import threading

from ui import server


def test_memory_is_reclaimed_by_one_thread_however_often_it_is_asked():
    """Every script run of app.py asks; the process gets one daemon thread, not one per run."""
    for _ in range(3):
        server.reclaim_memory_every(3600)
    threads = [t for t in threading.enumerate() if t.name == "lab-reclaim"]
    assert len(threads) == 1 and threads[0].daemon and threads[0].is_alive()
