"""The files behind the image datasets: where they live, fetching them, reading them.

Files live in a data directory: the `data_dir` argument, else $LAB_DATA_DIR,
else ~/.cache/logistic-regression-lab. `fetch_images` downloads a set into a
temporary folder inside it, and its files move into place only once torchvision
has read every one of them back, so an interrupted download leaves nothing a
later run trusts; `load_images` reads a set (fetching it first if it is missing).
torchvision's own checks find damaged files: a wrong IDX size or header, or
a CIFAR batch whose md5 does not match.
"""
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import torch

from lab.i18n import N_, _

ENV_VAR = "LAB_DATA_DIR"
IDX_FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
             "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")
CIFAR_FILES = tuple(f"data_batch_{i}" for i in range(1, 6)) + ("test_batch", "batches.meta")


class DatasetUnavailable(ValueError):
    """The files are missing, cannot be downloaded or are damaged; the message says what to do."""


@dataclass(frozen=True)
class Source:
    """Where torchvision finds one dataset, and how a person can provide it."""

    title: str           # as people write it
    cls_name: str        # the torchvision.datasets class
    folder: str          # where that class reads, under the data directory
    files: tuple         # the files it reads there
    image_shape: tuple   # (C, H, W)
    download_size: str
    how_to: str          # how to put the files in place by hand


SOURCES = {
    "mnist": Source(
        "MNIST", "MNIST", "MNIST/raw", IDX_FILES, (1, 28, 28), "11 MB",
        N_("download the four .gz files from https://ossci-datasets.s3.amazonaws.com/mnist/ "
           "and gunzip them")),
    "fashion-mnist": Source(
        "Fashion-MNIST", "FashionMNIST", "FashionMNIST/raw", IDX_FILES, (1, 28, 28), "30 MB",
        N_("download the four .gz files from "
           "https://github.com/zalandoresearch/fashion-mnist (data/fashion) and gunzip them")),
    "cifar10": Source(
        "CIFAR-10", "CIFAR10", "cifar-10-batches-py", CIFAR_FILES, (3, 32, 32), "163 MB",
        N_("download https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz and extract it "
           "into the data directory")),
}


def resolve_data_dir(data_dir=None):
    """The data directory: the argument, else $LAB_DATA_DIR, else a per-user cache."""
    if data_dir:
        return Path(data_dir).expanduser()
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR]).expanduser()
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / "logistic-regression-lab"


def load_images(name, data_dir=None, download=True, progress=None):
    """(train, test, class_names): each split is (X, y), uint8 (n, C·H·W) and int64 (n,).

    Missing files are fetched first (fetch_images), unless download is False.
    """
    source, root = SOURCES[name], resolve_data_dir(data_dir)
    missing = missing_files(source, root)
    if missing and not download:
        raise DatasetUnavailable(missing_message(source, root, missing))
    if missing:
        fetch_images(name, data_dir, progress)
    (progress or _quiet)(_("Reading {title} from {root}").format(title=source.title, root=root))
    return _read(source, root)


def fetch_images(name, data_dir=None, progress=None):
    """Put the named set's files in place, downloading them if any is missing; keep none
    of them in memory. `progress(text)` hears each stage of a download."""
    source, root = SOURCES[name], resolve_data_dir(data_dir)
    if missing_files(source, root):
        _download(source, root, progress or _quiet)


def _quiet(text):
    """No progress report: the caller asked for none."""


def missing_files(source, root):
    """The names of the files torchvision needs that are not in place."""
    folder = root / source.folder
    return [f for f in source.files if not (folder / f).is_file()]


def _read(source, root):
    """Both splits through the real torchvision class; a damaged file raises DatasetUnavailable."""
    datasets = _torchvision_datasets()
    cls = getattr(datasets, source.cls_name)
    try:
        train = cls(str(root), train=True, download=False)
        test = cls(str(root), train=False, download=False)
        splits = tuple(as_tensors(split) for split in (train, test))
    except Exception as exc:  # a failed shape check, header assertion, md5 or unpickling
        raise DatasetUnavailable(damaged_message(source, root, exc)) from exc
    classes = [c.split(" - ")[0] for c in train.classes]  # MNIST's "0 - zero" → "0"
    return splits[0], splits[1], classes


def as_tensors(split):
    """(X, y): images as uint8 rows (n, C·H·W), channels first; labels int64 (n,)."""
    X = torch.as_tensor(split.data)            # (n, H, W), or (n, H, W, C) for CIFAR
    if X.dim() == 4:
        X = X.permute(0, 3, 1, 2)              # HWC → CHW: channels first
    X = X.reshape(len(X), -1).contiguous()
    y = torch.as_tensor(split.targets, dtype=torch.int64)
    if len(X) != len(y):
        raise ValueError(f"{len(X)} images but {len(y)} labels")
    return X, y


def _download(source, root, report):
    """Download into a temporary folder, read it back, then move each file into place.

    torchvision reads the training split as it downloads (its constructor loads what
    it fetched); the test split is read back after. Both are let go at once: what a
    page keeps is read once more by load_images, from the files in place.
    """
    try:
        root.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".download-", dir=root))
    except OSError as exc:
        raise DatasetUnavailable(download_message(source, root, exc)) from exc
    try:
        report(_("Downloading {title} (about {size}) into {root} …").format(
            title=source.title, size=source.download_size, root=root))
        cls = getattr(_torchvision_datasets(), source.cls_name)
        try:
            cls(str(tmp), train=True, download=True)  # torchvision checks the archives' md5
        except Exception as exc:  # offline, refused, cut short, bad checksum
            raise DatasetUnavailable(download_message(source, root, exc)) from exc
        report(_("Checking the {title} files …").format(title=source.title))
        try:
            cls(str(tmp), train=False, download=False)
        except Exception as exc:  # what arrived does not read back
            raise DatasetUnavailable(download_message(source, root, exc)) from exc
        _move_into_place(source, tmp, root)
        report(_("{title} is ready in {root}").format(title=source.title, root=root))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _move_into_place(source, tmp, root):
    """Move the checked files from the temporary folder; os.replace is atomic per file."""
    final = root / source.folder
    final.mkdir(parents=True, exist_ok=True)
    for name in source.files:
        os.replace(tmp / source.folder / name, final / name)


def _torchvision_datasets():
    """torchvision.datasets, imported only when an image set is asked for."""
    try:  # ~0.8–1.4 s to import (python -X importtime), and may be missing or broken
        import torchvision.datasets
    except Exception as exc:  # missing, or a build that does not match torch
        raise DatasetUnavailable(_(
            "the image datasets need torchvision, which could not be imported ({error}); "
            "install the torchvision that matches torch (see requirements.txt)").format(
                error=exc)) from exc
    return torchvision.datasets


def _place_files(source, root, files):
    return _("put {files} in {folder} ({how_to}), or point --data-dir or ${variable} at a "
             "directory that has them").format(files=", ".join(files),
                                               folder=root / source.folder,
                                               how_to=_(source.how_to), variable=ENV_VAR)


def missing_message(source, root, missing):
    return _("{title} is not in {root}: {count} of its files are missing. To provide it, "
             "{how}.").format(title=source.title, root=root, count=len(missing),
                              how=_place_files(source, root, missing))


def download_message(source, root, exc):
    reason = " ".join(str(exc).split())[:300] or type(exc).__name__
    return _("Could not download {title} into {root} ({reason}). Without internet, "
             "{how}.").format(title=source.title, root=root, reason=reason,
                              how=_place_files(source, root, source.files))


def damaged_message(source, root, exc):
    reason = " ".join(str(exc).split())[:300] or type(exc).__name__
    return _("The {title} files in {folder} are damaged or incomplete ({reason}). Delete "
             "that folder to download them again, or replace them: {how}.").format(
                 title=source.title, folder=root / source.folder, reason=reason,
                 how=_place_files(source, root, source.files))
