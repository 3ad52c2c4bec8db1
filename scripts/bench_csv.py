"""How long does lab.data.csvdata take to read a big CSV, and how much memory does it need?

Run: .venv/bin/python scripts/bench_csv.py [--old DIR] [--repeat 3] [--case NAME ...]

Each file is made in memory (a fixed seed: the same bytes every run) and handed to
csv_dataset(raw, ...), as the page hands it an upload. --old DIR benchmarks the lab in
another checkout instead, e.g. the committed one, side by side with this one:

    mkdir -p /tmp/head && git archive HEAD | tar -x -C /tmp/head
    .venv/bin/python scripts/bench_csv.py --old /tmp/head

Every figure comes from a fresh Python process, after one small warm-up file (so
imports and torch's first-call costs are not counted):

  wall s, cpu s  median over --repeat calls of time.perf_counter / time.process_time;
                 the machine's load average is printed, as wall time suffers from it
  1st s          wall time of the first of those calls (the process's first big file)
  rss            peak resident memory above the process's own before the call (VmHWM,
                 reset through /proc/self/clear_refs, else ru_maxrss), for the whole call;
                 this sees everything: Python, numpy and torch
  f32            the file's numbers as float32: data rows x columns x 4 bytes
  x f32          rss / f32 (issue 13 asks for at most 3)
  budget         what lab.data.csvtable.memory_needed expects the read to take at most,
                 before reading it; over MEMORY_BUDGET the file is refused unread
  tracemalloc    peak of the Python and numpy allocations tracemalloc sees (not torch's)

A case whose file is over the 5 MB upload limit or the memory budget lifts them for
the run (marked "limits lifted"): it measures the reader, not the limits.
"""
import argparse
import ctypes
import json
import os
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def one_feature(rows=1_200_000):
    """x,label: a digit and a 0/1 label, 4 bytes a row (4.8 MB, under the 5 MB limit)."""
    g = np.random.default_rng(0)
    x, y = g.integers(0, 10, rows), g.integers(0, 2, rows)
    return "x,label\n" + "".join(f"{a},{b}\n" for a, b in zip(x.tolist(), y.tolist()))


def ten_classes(rows=1_200_000):
    """x,label: a digit and a label 0-9 (multiclass: int64 labels), 4.8 MB."""
    g = np.random.default_rng(0)
    x, y = g.integers(0, 10, rows), g.integers(0, 10, rows)
    return "x,label\n" + "".join(f"{a},{b}\n" for a, b in zip(x.tolist(), y.tolist()))


def three_features(rows=1_200_000):
    """a,b,c,label with short numbers like 0.3,4.25,-1,1 (about 17 MB)."""
    g = np.random.default_rng(0)
    a, b = g.uniform(-5, 5, rows).round(1), g.uniform(0, 9, rows).round(2)
    c, y = g.integers(-9, 10, rows), g.integers(0, 2, rows)
    return "a,b,c,label\n" + "".join(f"{p},{q},{r},{s}\n" for p, q, r, s in
                                     zip(a.tolist(), b.tolist(), c.tolist(), y.tolist()))


def bad_last_row():
    """The 4.8 MB file with a word in its last row: the time to the message."""
    return one_feature(1_199_999) + "oops,1\n"


def id_labels():
    """x,id: the label column a row number, as when the wrong column is chosen (4.6 MB)."""
    return "x,id\n" + "".join(f"{i % 10},{i}\n" for i in range(520_000))


def empty_cells():
    """100 columns, 51,000 rows of a 1 and 99 empty cells (5 MB): 5.1 M cells."""
    return ",".join(f"c{k}" for k in range(100)) + "\n" + ("1" + "," * 99 + "\n") * 51_000


def blank_lines():
    """A header and 5 million blank lines (5 MB): over the memory budget, counted unread."""
    return "x,label\n" + "\n" * 5_000_000


CASES = {  # name → (what the file is, its text)
    "1.2M-x-2": ("1.2 M rows x (1 feature + label), 4.8 MB", one_feature),
    "1.2M-10-cls": ("1.2 M rows x (1 feature + label 0-9), 4.8 MB", ten_classes),
    "1.2M-x-4": ("1.2 M rows x (3 features + label), 17 MB, limits lifted", three_features),
    "bad-last-row": ("1.2 M rows x 2, 'oops' in the last row", bad_last_row),
    "id-label": ("520 K rows x 2, every label different, 4.6 MB", id_labels),
    "empty-cells": ("51 K rows x 100 cells, 99 of them empty, 5 MB", empty_cells),
    "blank-lines": ("a header and 5 M blank lines, 5 MB", blank_lines),
}
LIFTED = {"1.2M-x-4"}  # over the limits: lifted for the run


def csv_module(old):
    """lab.data.csvdata, from this checkout or from the one in the directory `old`."""
    if old is not None:
        sys.path.insert(0, str(Path(old).resolve()))
    import lab.data.csvdata
    assert old is None or Path(lab.data.csvdata.__file__).is_relative_to(Path(old).resolve())
    return lab.data.csvdata


def lift_limits():
    """No 5 MB limit and no memory budget (nor the older cell limit), wherever they are."""
    for m in (sys.modules.get("lab.data.csvdata"), sys.modules.get("lab.data.csvtable")):
        for limit in ("MAX_BYTES", "MEMORY_BUDGET", "MAX_CELLS"):
            if m is not None and hasattr(m, limit):
                setattr(m, limit, 1 << 40)


def read(module, raw):
    """csv_dataset(raw): None if it loaded, else the message (shortened)."""
    try:
        module.csv_dataset(raw, "bench.csv", seed=0)
    except module.CsvError as exc:
        return str(exc)[:90]
    return None


def peak_rss_mb(before):
    """Peak resident MB since `before` (VmHWM after a reset, else ru_maxrss)."""
    status = Path("/proc/self/status").read_text()
    if before.get("reset"):
        hwm = next(line for line in status.splitlines() if line.startswith("VmHWM"))
        return int(hwm.split()[1]) / 1024 - before["rss"]
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - before["maxrss"]


def rss_now():
    """{"rss": resident MB now, "reset": whether the peak was reset to it, "maxrss": MB}.
    Memory freed while the file was made goes back to the system first: the call would
    reuse it unseen and look smaller than it is."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass
    try:
        Path("/proc/self/clear_refs").write_text("5")  # VmHWM := VmRSS
        reset = True
    except OSError:
        reset = False
    status = Path("/proc/self/status").read_text()
    rss = next(line for line in status.splitlines() if line.startswith("VmRSS"))
    return {"rss": int(rss.split()[1]) / 1024, "reset": reset,
            "maxrss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def sizes(text):
    """{"f32": the file's numbers as float32, "budget": the reader's own estimate}, in MB
    (budget None if this checkout's reader makes none)."""
    header = text[:text.find("\n")]
    rows = sum(1 for line in text.splitlines()[1:] if line.strip())
    out = {"f32": rows * (header.count(",") + 1) * 4 / 2**20, "budget": None}
    table = sys.modules.get("lab.data.csvtable")
    if hasattr(table, "memory_needed"):
        out["budget"] = table.memory_needed(text, header.count(",") + 1)[1] / 2**20
    return out


def child(mode, case, old, repeat):
    """One measurement in this (fresh) process, printed as a JSON line."""
    module = csv_module(old)
    if case in LIFTED:
        lift_limits()
    text = CASES[case][1]()
    raw = text.encode()
    read(module, b"a,b\n" + b"1,0\n2,1\n" * 10)  # warm-up: first calls into torch and numpy
    out = {"mb": len(raw) / 1e6}
    if mode == "time":
        walls, cpus = [], []
        for _ in range(repeat):
            wall, cpu = time.perf_counter(), time.process_time()
            out["message"] = read(module, raw)
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
        out.update(wall=statistics.median(walls), cpu=statistics.median(cpus), first=walls[0])
        out.update(sizes(text))
    elif mode == "tracemalloc":
        del text
        tracemalloc.start()
        read(module, raw)
        out["peak"] = tracemalloc.get_traced_memory()[1] / 2**20
    else:
        del text
        before = rss_now()
        out["message"] = read(module, raw)
        out.update(peak=peak_rss_mb(before), method="VmHWM" if before["reset"] else "maxrss")
    print(json.dumps(out))


def measure(mode, case, args, old):
    cmd = [sys.executable, __file__, "--child", mode, "--case", case,
           "--repeat", str(args.repeat)] + (["--old", old] if old else [])
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", help="also benchmark the lab in this checkout (a directory)")
    parser.add_argument("--repeat", type=int, default=3, help="timed calls per case")
    parser.add_argument("--case", nargs="*", choices=list(CASES), default=list(CASES))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child, args.case[0], args.old, args.repeat)
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; median of "
          f"{args.repeat} calls; memory in MB (2**20 bytes) above the process before the call")
    print(f"{'case':<13} {'lab':<4} {'file':<56} {'MB':>5} {'wall s':>7} {'cpu s':>6} "
          f"{'1st s':>6} {'rss':>6} {'f32':>6} {'x f32':>6} {'budget':>7} {'tracem.':>8}  result")
    for case in args.case:
        for lab, old in ([("old", args.old)] if args.old else []) + [("now", None)]:
            timed, full = measure("time", case, args, old), measure("rss", case, args, old)
            traced = measure("tracemalloc", case, args, old)
            budget = "—" if timed["budget"] is None else f"{timed['budget']:.1f}"
            ratio = full["peak"] / timed["f32"] if timed["f32"] else float("nan")
            print(f"{case:<13} {lab:<4} {CASES[case][0]:<56} {timed['mb']:>5.1f} "
                  f"{timed['wall']:>7.2f} {timed['cpu']:>6.2f} {timed['first']:>6.2f} "
                  f"{full['peak']:>6.1f} {timed['f32']:>6.1f} {ratio:>6.2f} {budget:>7} "
                  f"{traced['peak']:>8.1f}  {timed['message'] or 'loaded'}")
    print(f"rss measured as {full['method']} (peak resident set), a fresh process a figure")


if __name__ == "__main__":
    main()
