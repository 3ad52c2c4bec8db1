"""The command line: python -m lab train … | python -m lab bench …"""
import argparse
import json
import sys
import time

import torch

from lab import bench
from lab.config import IMPLS, REDUCTIONS, RunConfig, validate
from lab.data import DATASETS, load
from lab.models import FAMILIES
from lab.models.params import INITS
from lab.history import COLUMNS
from lab.train import Diverged, EpochEnd, Run, train

COMMANDS = {}  # name → (add_arguments, run): other modules register theirs here
COMMANDS["bench"] = (bench.add_arguments, bench.run)


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, no usage dump, no traceback
        raise SystemExit(f"error: {message}")


def build_parser():
    parser = _Parser(prog="python -m lab", description="Logistic Regression Lab, headless.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("train", help="train a model and print its curves")
    add_train_arguments(p)
    for name, (add_arguments, _) in COMMANDS.items():
        add_arguments(sub.add_parser(name))
    return parser


def add_train_arguments(p):
    d = RunConfig()
    p.add_argument("--model", default=d.model, choices=list(FAMILIES))
    p.add_argument("--dataset", default=d.dataset,
                   help=f"one of {', '.join(DATASETS)}, or csv:PATH for your own CSV file")
    p.add_argument("--label", default=None,
                   help="the label column of a csv:PATH dataset (default: the last column)")
    p.add_argument("--impl", default=d.impl, choices=IMPLS)
    p.add_argument("--lr", type=float, default=d.lr)
    p.add_argument("--batch-size", type=int, default=d.batch_size)
    p.add_argument("--epochs", type=int, default=d.num_epochs)
    p.add_argument("--seed", type=int, default=d.seed)
    p.add_argument("--init", default=d.init, choices=INITS)
    p.add_argument("--reduction", default=d.reduction, choices=REDUCTIONS)
    p.add_argument("--standardize", action="store_true")
    p.add_argument("--data-dir", default=None, help="where downloaded datasets live")
    p.add_argument("--json", action="store_true", help="JSON Lines instead of a table")


def config_from_args(args):
    return validate(RunConfig(
        model=args.model, dataset=args.dataset, impl=args.impl, lr=args.lr,
        batch_size=args.batch_size, num_epochs=args.epochs, seed=args.seed,
        init=args.init, reduction=args.reduction, standardize=args.standardize))


def run_train(args, out=sys.stdout):
    config = config_from_args(args)
    data = load(config.dataset, seed=config.seed, standardize=config.standardize,
                data_dir=args.data_dir, label=getattr(args, "label", None))
    run = Run(config, data)
    start = time.perf_counter()
    for event in train(run, config.num_epochs):
        if isinstance(event, EpochEnd):
            for impl, m in event.metrics.items():
                row = {"impl": impl, "epoch": event.epoch, **{c: getattr(m, c) for c in COLUMNS}}
                print(json.dumps(row) if args.json else _text_row(row), file=out)
        elif isinstance(event, Diverged):
            print(json.dumps({"diverged": True, "message": event.message}) if args.json
                  else event.message, file=out)
    final = {
        "done": True,
        "params": {impl: {k: v.tolist() for k, v in run.params(impl).items()}
                   for impl in run.models},
        "max_param_gap": run.max_param_gap,
        "seconds": round(time.perf_counter() - start, 4),
    }
    print(json.dumps(final) if args.json else _text_final(final), file=out)
    return 1 if run.diverged else 0


def _text_row(row):
    cells = [f"{row['impl']:>6}", f"epoch {row['epoch']:>5}"]
    for key in ("train_loss", "train_acc", "test_loss", "test_acc"):
        if row[key] is not None:
            cells.append(f"{key} {row[key]:.6f}")
    return "  ".join(cells)


def _text_final(final):
    lines = [f"{impl}: " + ", ".join(f"{k} = {v}" for k, v in p.items())
             for impl, p in final["params"].items()]
    if final["max_param_gap"] is not None:
        lines.append(f"largest parameter gap manual vs nn: {final['max_param_gap']:.3g}")
    lines.append(f"{final['seconds']:.2f} s")
    return "\n".join(lines)


def main(argv=None):
    torch.set_num_threads(1)  # small models: one thread is faster, and leaves a core free
    args = build_parser().parse_args(argv)
    try:
        if args.command == "train":
            return run_train(args)
        return COMMANDS[args.command][1](args)
    except (ValueError, OSError) as exc:
        raise SystemExit(f"error: {exc}") from None

