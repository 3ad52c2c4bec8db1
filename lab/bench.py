"""python -m lab bench: one epoch of softmax regression three ways, timed.

The data is random uint8 pixels shaped like Fashion-MNIST's training split
(60 000 images 28×28, 10 classes); batch 256, lr 0.1, as in the course (C4).

  seed pipeline  the course's code: torchvision's FashionMNIST.__getitem__ (a PIL
                 image per example, then ToTensor), DataLoader(batch_size=256,
                 shuffle=True), nn.Linear, CrossEntropyLoss, optim.SGD;
  nn, manual     the lab's twins through lab.train: a Run on the uint8 tensors,
                 batches indexed straight from them. Their epoch also scores the
                 whole training split, as the page shows it after every epoch.
  bare           the least an epoch can be in PyTorch here, as a ceiling: the same
                 shuffled batches of the uint8 tensors, to float, nn.Linear,
                 cross_entropy, backward, SGD, and nothing else (no scoring, no
                 checks). course / bare is the most any loop could be ahead.

Each figure is the median of `repeats` epochs in seconds of this process's CPU
time: all three run single-threaded in this process, so on an idle machine it
equals the wall-clock time, and unlike that it does not count the time other
programs take from us (on a busy 2-core box wall-clock ratios swing by 2×).
`--wall` times by the wall clock instead.
"""
import json
import statistics
import time

import torch
from torch import nn
from torch.utils.data import DataLoader

from lab.bench_loops import bench_loops
from lab.config import RunConfig
from lab.data import Dataset
from lab.train import Run, train

NUM_SAMPLES = 60_000   # Fashion-MNIST's training split
IMAGE_SHAPE = (1, 28, 28)
NUM_CLASSES = 10
BATCH_SIZE = 256       # the course's
LR = 0.1               # the course's


def random_images(num_samples, seed=0):
    """(X, y): uint8 images (n, 28, 28) and int64 labels (n,), uniformly random."""
    g = torch.Generator().manual_seed(seed)
    X = torch.randint(0, 256, (num_samples, *IMAGE_SHAPE[1:]), dtype=torch.uint8, generator=g)
    y = torch.randint(0, NUM_CLASSES, (num_samples,), generator=g)
    return X, y


def course_loader(X, y):
    """The course's input pipeline over (X, y): FashionMNIST's own __getitem__ and a DataLoader."""
    # The course's pipeline is what is timed here, so it needs torchvision; imported only
    # here (~0.8–1.4 s, python -X importtime), the rest of the lab runs without it.
    from torchvision import datasets, transforms

    class InMemoryFashionMNIST(datasets.FashionMNIST):
        """torchvision's FashionMNIST, given its arrays instead of reading files."""

        def __init__(self, data, targets, transform):
            datasets.VisionDataset.__init__(self, None, transform=transform)
            self.train = True
            self.data, self.targets = data, targets

    dataset = InMemoryFashionMNIST(X, y, transforms.ToTensor())
    return DataLoader(dataset, batch_size=BATCH_SIZE, shuffle=True)


def course_epoch(loader, model, criterion, optimizer, clock=time.process_time):
    """Seconds for one epoch of the course's nn loop (section 3.5).

    The course also adds up the loss and counts hits per batch; that is left
    out here, which can only make the course's pipeline look faster.
    """
    start = clock()
    for data, labels in loader:
        pred = model(data.view(-1, 784))         # (256, 10) logits
        train_loss = criterion(pred, labels)
        optimizer.zero_grad()
        train_loss.backward()
        optimizer.step()
    return clock() - start


def time_course(X, y, repeats, clock=time.process_time):
    """Seconds per epoch of the course's pipeline, one entry per epoch."""
    torch.manual_seed(0)                         # the course's nn.Linear draws globally
    loader = course_loader(X, y)
    model = nn.Linear(784, NUM_CLASSES)
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)
    criterion = nn.CrossEntropyLoss()
    return [course_epoch(loader, model, criterion, optimizer, clock) for _ in range(repeats)]


def time_lab(X, y, impl, repeats, clock=time.process_time):
    """Seconds per epoch of the lab's `impl` twin through lab.train, one entry per epoch."""
    data = Dataset("bench", "multiclass", X.reshape(len(X), -1), y, None, None, [],
                   [str(c) for c in range(NUM_CLASSES)], image_shape=IMAGE_SHAPE)
    config = RunConfig(model="softmax", dataset="fashion-mnist", impl=impl, lr=LR,
                       batch_size=BATCH_SIZE, num_epochs=repeats)
    run = Run(config, data)
    seconds = []
    for epoch in range(1, repeats + 1):
        start = clock()
        for _ in train(run, epoch):              # training steps, then the epoch's scoring
            pass
        seconds.append(clock() - start)
    return seconds


def time_bare(X, y, repeats, clock=time.process_time):
    """Seconds per epoch of the barest PyTorch loop over the same tensors, one per epoch."""
    torch.manual_seed(0)
    model = nn.Linear(784, NUM_CLASSES)
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)
    g = torch.Generator().manual_seed(0)
    flat = X.reshape(len(X), -1)
    seconds = []
    for _ in range(repeats):
        start = clock()
        for idx in torch.randperm(len(y), generator=g).split(BATCH_SIZE):
            loss = nn.functional.cross_entropy(model(flat.index_select(0, idx).float().div_(255)),
                                               y[idx])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        seconds.append(clock() - start)
    return seconds


def bench(num_samples=NUM_SAMPLES, repeats=3, seed=0, wall=False):
    """{seed_pipeline_epoch_s, nn_epoch_s, manual_epoch_s, bare_epoch_s, speedup,
    manual_over_nn, bare_speedup}."""
    clock = time.perf_counter if wall else time.process_time
    X, y = random_images(num_samples, seed)
    seed_s = statistics.median(time_course(X, y, repeats, clock))
    nn_s = statistics.median(time_lab(X, y, "nn", repeats, clock))
    manual_s = statistics.median(time_lab(X, y, "manual", repeats, clock))
    bare_s = statistics.median(time_bare(X, y, repeats, clock))
    return {
        "seed_pipeline_epoch_s": round(seed_s, 4),
        "nn_epoch_s": round(nn_s, 4),
        "manual_epoch_s": round(manual_s, 4),
        "bare_epoch_s": round(bare_s, 4),
        "speedup": round(seed_s / nn_s, 2),
        "manual_over_nn": round(manual_s / nn_s, 3),
        "bare_speedup": round(seed_s / bare_s, 2),
    }


def add_arguments(p):
    p.description = "Time one epoch of softmax regression: the course's pipeline vs the lab's."
    p.add_argument("--samples", type=int, default=NUM_SAMPLES, help="images per epoch")
    p.add_argument("--repeats", type=int, default=3, help="epochs timed per way (median)")
    p.add_argument("--wall", action="store_true", help="wall-clock instead of CPU seconds")
    p.add_argument("--json", action="store_true", help="one JSON object instead of a table")
    p.add_argument("--softmax-only", action="store_true",
                   help="skip the small runs (C1-notes, C3) timed against the course's loops")


def run(args):
    if args.samples < BATCH_SIZE or args.repeats < 1:
        raise ValueError(f"need --samples ≥ {BATCH_SIZE} and --repeats ≥ 1")
    result = bench(args.samples, args.repeats, wall=args.wall)
    if not args.softmax_only:
        clock = time.perf_counter if args.wall else time.process_time
        result["loops"] = bench_loops(args.repeats, clock)
    print(json.dumps(result) if args.json else table(result, args))
    return 0


def table(result, args):
    r = result
    return "\n".join([
        f"one epoch of softmax regression: {args.samples} random 28×28 images, "
        f"batch {BATCH_SIZE}, lr {LR}; median of {args.repeats} epochs, "
        f"{'wall-clock' if args.wall else 'CPU'} seconds",
        f"  course (PIL + ToTensor + DataLoader)  {r['seed_pipeline_epoch_s']:8.3f} s",
        f"  lab, torch.nn twin                    {r['nn_epoch_s']:8.3f} s",
        f"  lab, manual twin                      {r['manual_epoch_s']:8.3f} s",
        f"  speedup (course / nn)                 {r['speedup']:8.1f} ×",
        f"  manual / nn                           {r['manual_over_nn']:8.2f}",
        f"  bare PyTorch, no scoring (a ceiling)  {r['bare_epoch_s']:8.3f} s",
        f"  course / bare: the most any loop gets {r['bare_speedup']:8.1f} ×",
    ] + loops_table(r.get("loops", {})))


def loops_table(loops):
    lines = ["small runs, whole: the course's loop vs the lab's (lab.train), seconds"] if loops else []
    for name, r in loops.items():
        lines.append(f"  {name:<9} course {r['course_s']:7.3f}   nn {r['nn_s']:7.3f} "
                     f"({r['nn_over_course']:.2f} ×)   manual {r['manual_s']:7.3f} "
                     f"({r['manual_over_course']:.2f} ×)")
        if "tensors_s" in r:
            lines.append(f"  {'':<9} course's loop from tensors {r['tensors_s']:7.3f}   "
                         f"manual / it {r['manual_over_tensors']:.2f} ×")
        if "hand_s" in r:
            lines.append(f"  {'':<9} that loop, the lab's hand-written sigmoid and BCE "
                         f"{r['hand_s']:7.3f}   manual / it {r['manual_over_hand']:.2f} ×")
    return lines
