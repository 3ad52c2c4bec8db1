"""Take a run home: a standalone script that reproduces it, its curves as CSV, its parameters.

The script is plain PyTorch in the course's four steps, imports nothing from
the lab, and prints one line per epoch with the numbers the lab shows: the
mean per-example loss (and accuracy) over each split. The hand-written
functions of the manual twin are copied from lab.models.functions with inspect.
"""
import csv
import io
import shlex
import sys

import torch

from lab.export.data import embedded, features_and_sizes, fill, literal, prepare
from lab.export.model import design, evaluate, loss_and_optimizer, report, training
from lab.history import COLUMNS
from lab.models import FAMILIES
from lab.text import shortened
from lab.train import EVAL_CHUNK


def export_script(config, data_name=None, impl=None, label=None, data=None, schedule=None):
    """A standalone Python script that trains `config` and prints the lab's per-epoch numbers.

    data_name: the dataset (default config.dataset); label: a CSV's label column.
    impl: manual or nn; a run of both twins exports the manual one (the nn
    twin gives the same numbers up to float rounding).
    data: a Dataset to write into the script itself (an uploaded CSV, which no
    file on disk holds), as the run used it.
    schedule: a run's learning rates as they changed, [(updates done before it, lr)]
    as Run.schedule keeps them; the script changes its lr at the same updates.
    Default: config.lr all along. (For a run: config.num_epochs = run.epoch.)
    """
    data_name = data_name or config.dataset
    impl = impl or ("manual" if config.impl == "both" else config.impl)
    if config.model not in FAMILIES or impl not in ("manual", "nn"):
        raise ValueError(f"cannot export {shortened(config.model)!r} with {shortened(impl)!r}")
    schedule = _changes(schedule or [(0, config.lr)])
    command = _lab_command(config, data_name, impl, label, schedule)
    if data is not None:
        imports, prepare_code = embedded(data)
        config = config.with_(standardize=False)  # the rows are written as the run used them
    else:
        imports, prepare_code = prepare(data_name, label)
    changes_lr = len(schedule) > 1
    steps = [
        ("1. Prepare the dataset", [prepare_code, features_and_sizes(config, data_name)]),
        ("2. Design the model", [design(config, impl)]),
        ("3. Construct loss and optimizer", [loss_and_optimizer(config, impl, changes_lr)]),
        ("4. Training cycle: forward, loss, backward, update",
         [evaluate(config), report(config, data_name), training(config, impl, changes_lr)]),
    ]
    head = [_docstring(config, impl, changes_lr), _imports(imports, impl),
            _settings(config, data_name, command, schedule)]
    body = [_banner(title) + "\n" + "\n\n\n".join(parts) for title, parts in steps]
    return "\n\n".join(head) + "\n\n\n" + "\n\n\n".join(body) + "\n"


def _changes(schedule):
    """[(updates done before it, lr)] as plain numbers, one entry per change of lr."""
    changes = [(0, float(schedule[0][1]))]
    for start, lr in schedule[1:]:
        if float(lr) != changes[-1][1]:  # set again to the same value: no change
            changes.append((int(start), float(lr)))
    return changes


def _docstring(config, impl, changes_lr):
    """The script's docstring: nothing a user typed, only the lab's own names."""
    return fill('''
        """$model regression, $impl implementation: a Logistic Regression Lab run.

        Standalone: plain PyTorch, nothing from the lab. It prints one line per epoch
        with the numbers the lab shows, the mean per-example loss (and accuracy) over
        each split after the epoch's last update. The settings below name the data
        (DATASET) and the same run in the lab (LAB_COMMAND).$schedule
        """''', model=config.model.capitalize(), impl=impl,
                schedule="\n\nThe run's learning rate changed as it trained: LR_SCHEDULE says "
                         "at which\nupdates, and the script changes it there too." if changes_lr
                else "")


def _lab_command(config, data_name, impl, label, schedule):
    """`python -m lab train …` for the same run, as a string literal cut into lines."""
    flags = [f"--model {config.model}", f"--dataset {shlex.quote(data_name)}", f"--impl {impl}",
             f"--lr {schedule[0][1]!r}", f"--batch-size {config.batch_size}",
             f"--epochs {config.num_epochs}", f"--seed {config.seed}", f"--init {config.init}",
             f"--reduction {config.reduction}"]
    flags += ["--standardize"] if config.standardize else []
    flags += [f"--label {shlex.quote(label)}"] if label else []
    parts = ["python -m lab train"]
    for flag in flags:  # lines of at most ~80 characters
        if len(parts[-1]) + len(flag) > 60:
            parts.append("")
        parts[-1] += " " + flag
    text = ("\n" + " " * 15).join(repr(part) for part in parts)
    return f"({text})" if len(parts) > 1 else text


def _imports(extra, impl):
    """The script's imports: the standard library's, then torch and the others."""
    lines = {"import math", "import torch", "from torch import nn", *extra}
    if impl == "nn":
        lines.add("from torch.nn import functional as F")
    stdlib = {line for line in lines if line.split()[1].split(".")[0] in sys.stdlib_module_names}
    return "\n\n".join("\n".join(sorted(group, key=lambda line: (line.startswith("from "), line)))
                       for group in (stdlib, lines - stdlib))


def _settings(c, data_name, command, schedule):
    """The run's settings, every one a literal: numbers as numbers, names by repr."""
    lr = (f"LR = {schedule[0][1]!r}" if len(schedule) == 1 else
          literal("LR_SCHEDULE", schedule) + "  # (updates done before it, lr)")
    first = " (its first lr: the command line takes one)" if len(schedule) > 1 else ""
    return fill("""
        DATASET = $dataset  # the data, as the lab names it
        # the same run from the lab's command line$first
        LAB_COMMAND = $command
        SEED = $seed  # fixes the split, the initial parameters and the batch order
        $lr
        BATCH_SIZE = $batch_size  # as many as the examples or more: one full batch
        NUM_EPOCHS = $num_epochs
        REDUCTION = $reduction  # mean, or sum as the slides' size_average=False
        EVAL_CHUNK = $chunk  # rows scored at once after each epoch, as the lab does""",
                dataset=repr(data_name), command=command, first=first, lr=lr,
                chunk=EVAL_CHUNK, seed=int(c.seed), batch_size=int(c.batch_size),
                num_epochs=int(c.num_epochs), reduction=repr(c.reduction))


def _banner(title):
    return f"# {title} {'-' * (76 - len(title))}"


def metrics_csv(history):
    """The curves of a History as CSV text: impl, epoch, then the metric columns.

    One row per recorded epoch and twin; an empty cell where a metric does not
    exist (no test split, no accuracy for regression).
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["impl", "epoch", *COLUMNS])
    for impl in history.rows:
        epochs, cols = history.series(impl)
        for i, epoch in enumerate(epochs):
            cells = ["" if cols[c][i] is None else repr(cols[c][i]) for c in COLUMNS]
            writer.writerow([impl, epoch, *cells])
    return out.getvalue()


def save_params(run, path):
    """torch.save each twin's parameters, {impl: {"weight": W (k, d), "bias": b (k,)}}.

    `path` is a file name or a binary file object. One twin's dict loads into
    nn.Linear(d, k) with load_state_dict. Returns the dict saved.
    """
    params = {impl: {k: v.detach().clone() for k, v in run.params(impl).items()}
              for impl in run.models}
    torch.save(params, path)
    return params
