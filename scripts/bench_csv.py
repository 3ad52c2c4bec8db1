"""How long does lab.data.csvdata take to read a big CSV, and how much memory does it need?

Run: .venv/bin/python scripts/bench_csv.py [--old PATH] [--repeat 3] [--case NAME ...]

Each file is made in memory (a fixed seed: the same bytes every run) and handed to
csv_dataset(raw, ...), as the page hands it an upload. --old PATH benchmarks another
copy of the module instead, e.g. the committed one:

    git show HEAD:lab/csvdata.py > /tmp/old_csvdata.py
    .venv/bin/python scripts/bench_csv.py --old /tmp/old_csvdata.py

Every figure comes from a fresh Python process, after one small warm-up file (so
imports and torch's first-call costs are not counted):

  wall s, cpu s  median over --repeat calls of time.perf_counter / time.process_time;
                 the machine's load average is printed, as wall time suffers from it
  1st s          wall time of the first of those calls (the process's first big file)
  rss full       peak resident memory above the process's own before the call (VmHWM,
                 reset through /proc/self/clear_refs, else ru_maxrss), for the whole call;
                 this sees everything: Python, numpy and torch
  rss parse      the same with the 80/20 split stubbed out: reading the file into
                 tensors, without lab.data.stratified_split and the copies it leads to
  tracemalloc    peak of the Python and numpy allocations tracemalloc sees (not torch's)

A case whose file is over the 5 MB upload limit lifts the limit for the run: it measures
the reader, not the limit.
"""
import argparse
import ctypes
import importlib.util
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


CASES = {  # name → (what the file is, its text)
    "1.2M-x-2": ("1.2 M rows x (1 feature + label), 4.8 MB", one_feature),
    "1.2M-x-4": ("1.2 M rows x (3 features + label), 17 MB, limit lifted", three_features),
    "bad-last-row": ("1.2 M rows x 2, 'oops' in the last row", bad_last_row),
    "id-label": ("520 K rows x 2, every label different, 4.6 MB", id_labels),
    "empty-cells": ("51 K rows x 100 cells, 99 of them empty, 5 MB", empty_cells),
}


def csv_module(old):
    """lab.data.csvdata, or the module in the file `old`."""
    if old is None:
        import lab.data.csvdata
        return lab.data.csvdata
    spec = importlib.util.spec_from_file_location("old_csvdata", old)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def lift_size_limit(module):
    """No 5 MB limit, in the module and in the one that decodes for it (if any)."""
    for m in (module, sys.modules.get("lab.data.csvtable")):
        if m is not None and hasattr(m, "MAX_BYTES"):
            m.MAX_BYTES = 1 << 30


def no_split(y, test_fraction, seed):
    """A stand-in for stratified_split that keeps nothing: what is left is the parse."""
    import torch
    return torch.arange(0), torch.arange(0)


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


def child(mode, case, old, repeat):
    """One measurement in this (fresh) process, printed as a JSON line."""
    module = csv_module(old)
    lift_size_limit(module)
    raw = CASES[case][1]().encode()
    read(module, b"a,b\n" + b"1,0\n2,1\n" * 10)  # warm-up: first calls into torch and numpy
    if mode == "parse":
        module.stratified_split = no_split
    out = {"mb": len(raw) / 1e6}
    if mode == "time":
        walls, cpus = [], []
        for _ in range(repeat):
            wall, cpu = time.perf_counter(), time.process_time()
            out["message"] = read(module, raw)
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
        out.update(wall=statistics.median(walls), cpu=statistics.median(cpus), first=walls[0])
    elif mode == "tracemalloc":
        tracemalloc.start()
        read(module, raw)
        out["peak"] = tracemalloc.get_traced_memory()[1] / 2**20
    else:
        before = rss_now()
        read(module, raw)
        out.update(peak=peak_rss_mb(before), method="VmHWM" if before["reset"] else "maxrss")
    print(json.dumps(out))


def measure(mode, case, args):
    cmd = [sys.executable, __file__, "--child", mode, "--case", case,
           "--repeat", str(args.repeat)] + (["--old", args.old] if args.old else [])
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", help="benchmark the csvdata module in this file instead")
    parser.add_argument("--repeat", type=int, default=3, help="timed calls per case")
    parser.add_argument("--case", nargs="*", choices=list(CASES), default=list(CASES))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child, args.case[0], args.old, args.repeat)
    print(f"module: {args.old or 'lab.data.csvdata'}; {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.1f}; median of {args.repeat} calls; memory in MB above the "
          f"process before the call")
    print(f"{'case':<13} {'file':<52} {'MB':>5} {'wall s':>7} {'cpu s':>6} {'1st s':>6} "
          f"{'rss full':>9} {'rss parse':>10} {'tracemalloc':>12}  result")
    for case in args.case:
        timed = measure("time", case, args)
        full, parse = measure("rss", case, args), measure("parse", case, args)
        traced = measure("tracemalloc", case, args)
        print(f"{case:<13} {CASES[case][0]:<52} {timed['mb']:>5.1f} {timed['wall']:>7.2f} "
              f"{timed['cpu']:>6.2f} {timed['first']:>6.2f} {full['peak']:>9.1f} "
              f"{parse['peak']:>10.1f} {traced['peak']:>12.1f}  {timed['message'] or 'loaded'}")
    print(f"rss measured as {full['method']} (peak resident set), a fresh process a figure")


if __name__ == "__main__":
    main()
