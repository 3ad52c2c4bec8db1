"""The small runs a lecture is made of, timed the course's way and the lab's.

C1 as in the notes (hours → pass, nn.Linear + sigmoid + BCELoss + SGD lr 0.01, full batch,
10 000 epochs) and C3 with torch.nn (synthetic 2-D, DataLoader batch 64, SGD lr 0.1, 100
epochs). The course's loops are the notes' own code with its per-epoch loss and accuracy
(C1's notes print only the loss; the lab reports both, so both are scored here too). The
lab's loop is lab.train with the same settings, which scores the whole split after every
epoch. Seconds are CPU seconds of this process unless a wall clock is passed.

The lab's manual twin is also timed against the course's own loop from tensors, on C1's
data: the notes' logistic regression on iris (w and b with requires_grad, F.linear,
torch.sigmoid, F.binary_cross_entropy, the update by hand under no_grad). The twin does
more than that loop: its sigmoid and BCE are hand-written autograd Functions too (~20
operations a step where torch has 2). So it is timed a third way, the same loop from
tensors calling the lab's hand-written sigmoid and BCE instead of torch's: the same math
as the twin, the course's way; the twin over it is what the lab's loop adds.
"""
import statistics
import time

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from lab.config import RunConfig
from lab.data import load
from lab.models import functions
from lab.train import Run, train

C1 = RunConfig(dataset="hours", impl="nn", lr=0.01, batch_size=1 << 20, num_epochs=10_000,
               reduction="mean")
C3 = RunConfig(dataset="synthetic", impl="nn", lr=0.1, batch_size=64, num_epochs=100, seed=1)


def course_c1(num_epochs, clock=time.process_time):
    """Seconds of the notes' C1 loop, with the loss and accuracy after each epoch."""
    x = torch.tensor([[1.0], [2.0], [3.0]])
    y = torch.tensor([[0.0], [0.0], [1.0]])
    torch.manual_seed(0)
    model, criterion = nn.Linear(1, 1), nn.BCELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    start = clock()
    for _ in range(num_epochs):
        y_pred = torch.sigmoid(model(x))
        loss = criterion(y_pred, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        with torch.no_grad():  # after the update, as the lab scores it
            y_pred = torch.sigmoid(model(x))
            loss_now = criterion(y_pred, y).item()
            acc = ((y_pred > 0.5).float() == y).float().mean().item()
    del loss_now, acc
    return clock() - start


def course_c1_tensors(num_epochs, clock=time.process_time, sigmoid=torch.sigmoid,
                      bce=torch.nn.functional.binary_cross_entropy):
    """Seconds of the notes' loop from tensors (001) on C1's data, scored after each epoch;
    `sigmoid` and `bce`: the functions it calls (the lab's hand-written ones, to time the
    manual twin's math the course's way)."""
    x = torch.tensor([[1.0], [2.0], [3.0]])
    y = torch.tensor([0.0, 0.0, 1.0])
    torch.manual_seed(0)
    w = torch.randn(1, 1, requires_grad=True)
    b = torch.randn(1, requires_grad=True)
    start = clock()
    for _ in range(num_epochs):
        z = sigmoid(torch.nn.functional.linear(x, w, b))
        loss = bce(z.reshape(-1), y, reduction="mean")
        loss.backward()
        with torch.no_grad():
            w -= 0.01 * w.grad
            b -= 0.01 * b.grad
            w.grad.zero_()
            b.grad.zero_()
            y_pred = sigmoid(torch.nn.functional.linear(x, w, b)).reshape(-1)
            loss_now = bce(y_pred, y, reduction="mean").item()
            acc = ((y_pred > 0.5).float() == y).float().mean().item()
    del loss_now, acc
    return clock() - start


def course_c1_hand(num_epochs, clock=time.process_time):
    """Seconds of the same loop from tensors with the lab's hand-written sigmoid and BCE."""
    return course_c1_tensors(num_epochs, clock, functions.sigmoid, functions.bce)


def course_c3(num_epochs, clock=time.process_time):
    """Seconds of the notes' C3 torch.nn loop (section 2 of 002), on the lab's data."""
    data = load("synthetic", seed=1)
    train_set = TensorDataset(data.X_train, data.y_train.view(-1, 1))
    test_set = TensorDataset(data.X_test, data.y_test.view(-1, 1))
    train_loader = DataLoader(dataset=train_set, batch_size=64, shuffle=True)
    test_loader = DataLoader(dataset=test_set, batch_size=64, shuffle=True)
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 1), nn.Sigmoid())
    criterion = nn.BCELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    start = clock()
    for _ in range(num_epochs):
        for X, y in train_loader:
            pred = model(X)
            loss = criterion(pred, y)
            loss.item()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            labels_pred = torch.tensor(np.where(pred > 0.5, 1, 0), dtype=torch.float32)
            (labels_pred == y).sum(0).item()
        with torch.no_grad():
            for X, y in test_loader:
                pred = model(X)
                criterion(pred, y).item()
                labels_pred = torch.tensor(np.where(pred > 0.5, 1, 0), dtype=torch.float32)
                (labels_pred == y).sum(0).item()
    return clock() - start


def lab_loop(config, clock=time.process_time):
    """Seconds of lab.train for `config`, headless: what `python -m lab train` runs."""
    run = Run(config, load(config.dataset, seed=config.seed))
    start = clock()
    for _ in train(run, config.num_epochs):
        pass
    return clock() - start


# name: (the course's torch.nn loop, the lab's settings, the course's loop from tensors,
#        that loop with the lab's hand-written functions)
EXPERIMENTS = {"C1-notes": (course_c1, C1, course_c1_tensors, course_c1_hand),
               "C3-nn": (course_c3, C3, None, None)}


def bench_loops(repeats=3, clock=time.process_time):
    """{experiment: {course_s, nn_s, manual_s, nn_over_course, manual_over_course}}, and
    where the course has a loop from tensors, {tensors_s, manual_over_tensors, hand_s,
    manual_over_hand} too.

    Each way is run once briefly first (torch loads parts of itself on first use), then
    `repeats` times in turn, course, nn, manual, so a busy spell hits all alike.
    """
    results = {}
    for name, (course, config, tensors, hand) in EXPERIMENTS.items():
        ways = {"course": course, "tensors": tensors, "hand": hand,
                "nn": lambda n, c, cfg=config: lab_loop(cfg.with_(impl="nn", num_epochs=n), c),
                "manual": lambda n, c, cfg=config: lab_loop(cfg.with_(impl="manual",
                                                                      num_epochs=n), c)}
        ways = {k: f for k, f in ways.items() if f is not None}
        for f in ways.values():
            f(2, clock)
        times = {k: [] for k in ways}
        for _ in range(repeats):
            for k, f in ways.items():
                times[k].append(f(config.num_epochs, clock))
        med = {k: statistics.median(v) for k, v in times.items()}
        r = {"course_s": round(med["course"], 3), "nn_s": round(med["nn"], 3),
             "manual_s": round(med["manual"], 3),
             "nn_over_course": round(med["nn"] / med["course"], 2),
             "manual_over_course": round(med["manual"] / med["course"], 2)}
        if tensors:
            r["tensors_s"] = round(med["tensors"], 3)
            r["manual_over_tensors"] = round(med["manual"] / med["tensors"], 2)
        if hand:
            r["hand_s"] = round(med["hand"], 3)
            r["manual_over_hand"] = round(med["manual"] / med["hand"], 2)
        results[name] = r
    return results
