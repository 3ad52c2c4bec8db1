"""Training on the page against training headless: what the page adds, as a ratio.

    .venv/bin/python scripts/bench_page.py [--repeats 3]

For C1-notes, C3 (nn) and C4 on the bundled digits, each run three ways in turn (so a
busy spell on a shared box hits all alike), in CPU seconds of this process:
  headless  lab.train over the run, as `python -m lab train` does;
  page      the real page in Streamlit's AppTest: the Train click's script run, which
            trains and redraws live (ui.throttle) — no browser, so this is the
            server's share of a live run;
  course    the course's own loop (C1 and C3; see lab/bench_loops.py);
  rerun     a plain rerun of the same page right after (no training): what drawing the
            page costs by itself, whatever a click does. Training on the page adds
            page − rerun to the headless loop's work: the live redraws, the per-event
            bookkeeping and the final draw of a trained run.
The page's seconds are the CPU time of the thread that ran the script: what the server
spends on that session. AppTest's own work in this process is not the server's and is left
out: it waits for a run by waking every millisecond to scan every message sent so far (over
a live run of thousands of messages that took ~10 % of the process's CPU, and the GIL from
the script a thousand times a second), and it parses every message into an element tree
afterwards. So by default the wait is a plain join of the script's thread (same timeout).
AppTest also compiles the page's scripts anew on every run (a new ScriptCache each time,
~2.5 ms a run); a server compiles each once, so by default one cache is shared, as there.
`--apptest` keeps AppTest as it is and times the whole process, as this script did before.
What a server does that AppTest does not (sending the messages down a websocket) is not
counted here either; scripts/bench_first_paint.py and the browser tests time the page as a
browser sees it.
Prints a table and the ratios page / headless, (page − rerun) / headless and page / course.
"""
import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402
from streamlit.runtime.scriptrunner.script_cache import ScriptCache  # noqa: E402
from streamlit.testing.v1 import AppTest, app_test, local_script_runner  # noqa: E402

from lab.bench_loops import C1, C3, course_c1, course_c3, lab_loop  # noqa: E402
from lab.config import RunConfig  # noqa: E402
from lab.urlstate import all_params  # noqa: E402

C4 = RunConfig(model="softmax", dataset="digits", impl="manual", lr=0.1, batch_size=256,
               num_epochs=100)
CASES = {"C1-notes": (C1, "logistic", course_c1), "C3-nn": (C3, "logistic", course_c3),
         "C4-digits": (C4, "softmax", None)}


SCRIPT_CPU = []  # CPU seconds of each script run's thread, appended as each ends


def timed_script_thread(run_script_thread):
    """LocalScriptRunner._run_script_thread, noting the CPU time its thread took."""
    def timed(self):
        start = time.thread_time()
        try:
            run_script_thread(self)
        finally:
            SCRIPT_CPU.append(time.thread_time() - start)
    return timed


def join_script(runner, timeout=3):
    """AppTest's wait for a script run, as a join of its thread instead of a 1 ms poll."""
    runner._script_thread.join(timeout)
    if runner._script_thread.is_alive():
        runner.request_stop()
        runner.join()
        raise RuntimeError(f"AppTest script run timed out after {timeout}(s)")


def page_seconds(config, page, clock=None):
    """(CPU seconds of the Train click's script run on the real page (AppTest), CPU
    seconds of a plain rerun of that page after it); `clock`: time the whole process by
    it instead of the script's thread."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.run()
    at.query_params.update(all_params(config))
    at.switch_page(f"views/{page}.py").run()
    button = at.button(key=f"{page}.train")
    start = clock() if clock else None
    button.click().run()
    seconds = clock() - start if clock else SCRIPT_CPU[-1]
    run = at.session_state[f"{page}.panel"].run
    assert run.epoch == config.num_epochs and not at.exception, "the page did not train"
    start = clock() if clock else None
    at.run()
    return seconds, clock() - start if clock else SCRIPT_CPU[-1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--apptest", action="store_true",
                        help="time the whole process, AppTest's poll and parsing included")
    args = parser.parse_args()
    clock = time.process_time if args.apptest else None
    if not args.apptest:
        local_script_runner.require_widgets_deltas = join_script
        runner = local_script_runner.LocalScriptRunner
        runner._run_script_thread = timed_script_thread(runner._run_script_thread)
        shared = ScriptCache()  # a server's one cache of compiled scripts
        app_test.ScriptCache = local_script_runner.ScriptCache = lambda: shared
    torch.set_num_threads(1)
    print(f"median of {args.repeats}, CPU seconds"
          + (" of the whole process, AppTest's own work included" if args.apptest
             else "; the page's: its script thread's"))
    print(f"{'run':<10} {'course':>7} {'headless':>9} {'page':>7} {'rerun':>7} "
          f"{'page/headless':>14} {'(page-rerun)/headless':>22} {'page/course':>12}")
    for name, (config, page, course) in CASES.items():
        times = {"course": [], "headless": [], "page": [], "rerun": []}
        page_seconds(config.with_(num_epochs=2), page, clock)  # warm: imports, caches
        for _ in range(args.repeats):
            if course:
                times["course"].append(course(config.num_epochs))
            times["headless"].append(lab_loop(config))
            seconds, rerun = page_seconds(config, page, clock)
            times["page"].append(seconds)
            times["rerun"].append(rerun)
        med = {k: statistics.median(v) if v else None for k, v in times.items()}
        c = f"{med['course']:7.3f}" if med["course"] else f"{'—':>7}"
        pc = f"{med['page'] / med['course']:12.2f}" if med["course"] else f"{'—':>12}"
        print(f"{name:<10} {c} {med['headless']:9.3f} {med['page']:7.3f} {med['rerun']:7.3f} "
              f"{med['page'] / med['headless']:14.2f} "
              f"{(med['page'] - med['rerun']) / med['headless']:22.2f} {pc}")


if __name__ == "__main__":
    main()
