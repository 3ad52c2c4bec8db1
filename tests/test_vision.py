"""Image datasets through torchvision's real loaders, on tiny files written here; no network.

MNIST and Fashion-MNIST read raw IDX files from <root>/<Name>/raw/: a big-endian
header (magic 0x00000803 for images, 0x00000801 for labels, then the sizes)
and the uint8 bytes. CIFAR-10 reads pickled batches from
<root>/cifar-10-batches-py/ and checks each one's md5 against a list on the
class; our tiny batches cannot match the real files' sums, so the tests put
the tiny files' md5 in those lists (monkeypatch). torchvision's own
check_integrity still runs, so a file changed afterwards fails it.
"""
import hashlib
import pickle
import struct
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import pytest
import torch

from lab.data import imagefiles
from lab.data import vision
from lab.config import RunConfig
from lab.data import DATASETS, load
from lab.data.imagefiles import CIFAR_FILES, IDX_FILES, DatasetUnavailable
from lab.train import EpochEnd, Run, train

SIZES = {"train": 20, "t10k": 6}


def pixels(n, shape, seed):
    return np.random.default_rng(seed).integers(0, 256, (n, *shape), dtype=np.uint8)


def idx_arrays(split, n):
    """(images (n, 28, 28), labels (n,)) as uint8; labels run through every class in order.

    Dim noise plus a bright band at rows 2c, 2c + 1 for class c: learnable.
    """
    y = np.arange(n, dtype=np.uint8) % 10
    X = pixels(n, (28, 28), seed=len(split)) // 4
    for i, c in enumerate(y):
        X[i, 2 * c:2 * c + 2] = 255
    return X, y


def idx_bytes(file_name, n):
    """One raw IDX file: big-endian magic and sizes, then the uint8 bytes."""
    split, kind = file_name.split("-")[:2]
    X, y = idx_arrays(split, n)
    if kind == "images":
        return struct.pack(">IIII", 0x00000803, n, 28, 28) + X.tobytes()
    return struct.pack(">II", 0x00000801, n) + y.tobytes()


def write_idx(root, folder, n_train=SIZES["train"], n_test=SIZES["t10k"]):
    """The four raw IDX files of a tiny MNIST-like set; returns the arrays written."""
    raw = root / folder / "raw"
    raw.mkdir(parents=True)
    sizes = {"train": n_train, "t10k": n_test}
    for name in IDX_FILES:
        (raw / name).write_bytes(idx_bytes(name, sizes[name.split("-")[0]]))
    return {split: idx_arrays(split, n) for split, n in sizes.items()}


def write_cifar(root, monkeypatch, n_per_batch=4):
    """Tiny CIFAR-10 batches and meta; the class's md5 lists now name these files' sums."""
    from torchvision.datasets import CIFAR10

    folder = root / "cifar-10-batches-py"
    folder.mkdir(parents=True)
    names = [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]
    written = {}
    for i, name in enumerate(names):
        X = pixels(n_per_batch, (3 * 32 * 32,), seed=i)     # rows are CHW, as in the real files
        y = [(i + j) % 10 for j in range(n_per_batch)]
        entry = {"batch_label": name, "data": X, "labels": y}
        (folder / name).write_bytes(pickle.dumps(entry))
        written[name] = (X, y)
    meta = {"label_names": ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog",
                            "horse", "ship", "truck"]}
    (folder / "batches.meta").write_bytes(pickle.dumps(meta))
    md5 = {name: hashlib.md5((folder / name).read_bytes()).hexdigest()
           for name in names + ["batches.meta"]}
    monkeypatch.setattr(CIFAR10, "train_list", [[n, md5[n]] for n in names[:5]])
    monkeypatch.setattr(CIFAR10, "test_list", [["test_batch", md5["test_batch"]]])
    monkeypatch.setattr(CIFAR10, "meta", {"filename": "batches.meta", "key": "label_names",
                                          "md5": md5["batches.meta"]})
    return written


@pytest.fixture
def offline(monkeypatch):
    """Every URL fails as it does without a network; counts the attempts."""
    attempts = []

    def refuse(request, *args, **kwargs):
        attempts.append(getattr(request, "full_url", request))
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    return attempts


def all_files(root):
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


@pytest.mark.parametrize("name, folder", [("mnist", "MNIST"), ("fashion-mnist", "FashionMNIST")])
def test_idx_sets_load_through_torchvision(tmp_path, offline, name, folder):
    written = write_idx(tmp_path, folder)
    data = load(name, data_dir=tmp_path)
    X, y = written["train"]
    assert data.task == "multiclass" and data.image_shape == (1, 28, 28)
    assert data.X_train.dtype == torch.uint8 and data.X_train.shape == (20, 784)
    assert torch.equal(data.X_train, torch.from_numpy(X.reshape(20, -1)))
    assert data.y_train.dtype == torch.int64 and data.y_train.tolist() == y.tolist()
    assert data.X_test.shape == (6, 784) and len(data.y_test) == 6
    assert len(data.class_names) == 10
    assert offline == []                            # the files were there: no download


def test_class_names(tmp_path):
    write_idx(tmp_path, "MNIST")
    write_idx(tmp_path, "FashionMNIST")
    assert load("mnist", data_dir=tmp_path).class_names[:3] == ["0", "1", "2"]
    assert load("fashion-mnist", data_dir=tmp_path).class_names[:2] == ["T-shirt/top", "Trouser"]


def test_cifar10_loads_through_torchvision_in_chw_order(tmp_path, monkeypatch, offline):
    written = write_cifar(tmp_path, monkeypatch)
    data = load("cifar10", data_dir=tmp_path)
    assert data.image_shape == (3, 32, 32)
    assert data.X_train.shape == (20, 3072) and data.X_test.shape == (4, 3072)
    first = torch.from_numpy(written["data_batch_1"][0])
    assert torch.equal(data.X_train[:4], first)     # torchvision's HWC turned back into CHW
    assert data.y_test.tolist() == written["test_batch"][1]
    assert data.class_names[0] == "airplane"


def test_cifar10_changed_file_fails_the_md5_and_is_reported(tmp_path, monkeypatch):
    write_cifar(tmp_path, monkeypatch)
    batch = tmp_path / "cifar-10-batches-py" / "data_batch_3"
    batch.write_bytes(batch.read_bytes()[:-10])     # cut short after its md5 was listed
    with pytest.raises(DatasetUnavailable) as err:
        load("cifar10", data_dir=tmp_path)
    message = str(err.value)
    assert "CIFAR-10" in message and "damaged" in message
    assert str(tmp_path / "cifar-10-batches-py") in message


@pytest.mark.parametrize("damage", ["truncate images", "truncate labels", "bad magic"])
def test_damaged_idx_file_is_reported(tmp_path, damage):
    write_idx(tmp_path, "MNIST")
    raw = tmp_path / "MNIST" / "raw"
    if damage == "truncate images":
        path = raw / "train-images-idx3-ubyte"
        path.write_bytes(path.read_bytes()[:1000])
    elif damage == "truncate labels":
        path = raw / "t10k-labels-idx1-ubyte"
        path.write_bytes(path.read_bytes()[:-2])
    else:
        path = raw / "train-images-idx3-ubyte"
        path.write_bytes(b"\x00\x00\x00\x00" + path.read_bytes()[4:])
    with pytest.raises(DatasetUnavailable, match="MNIST files in .* are damaged"):
        load("mnist", data_dir=tmp_path)


def test_offline_download_fails_clearly_and_leaves_nothing(tmp_path, offline):
    with pytest.raises(DatasetUnavailable) as err:
        load("fashion-mnist", data_dir=tmp_path)
    message = str(err.value)
    assert "Fashion-MNIST" in message and str(tmp_path) in message
    assert str(tmp_path / "FashionMNIST" / "raw") in message
    assert all(name in message for name in IDX_FILES)
    assert offline, "the download was never attempted"
    assert all_files(tmp_path) == []                # no temporary folder, no partial file


def test_offline_cifar_names_its_files(tmp_path, offline):
    with pytest.raises(DatasetUnavailable) as err:
        load("cifar10", data_dir=tmp_path)
    message = str(err.value)
    assert "CIFAR-10" in message and "cifar-10-python.tar.gz" in message
    assert all(name in message for name in CIFAR_FILES)
    assert all_files(tmp_path) == []


def test_interrupted_download_leaves_no_partial_file(tmp_path, monkeypatch):
    from torchvision.datasets import mnist

    def half_then_fail(url, download_root, filename=None, md5=None, **kwargs):
        name = filename.removesuffix(".gz")        # as torchvision would have unpacked it
        (Path(download_root) / name).write_bytes(idx_bytes(name, 20)[:100])
        raise urllib.error.URLError("connection reset")

    monkeypatch.setattr(mnist, "download_and_extract_archive", half_then_fail)
    with pytest.raises(DatasetUnavailable, match="Could not download MNIST"):
        load("mnist", data_dir=tmp_path)
    assert all_files(tmp_path) == []


def test_completed_download_moves_into_place(tmp_path, monkeypatch):
    """A download that succeeds (faked: it writes the files) lands where torchvision reads."""
    from torchvision.datasets import mnist

    def fetch(url, download_root, filename=None, md5=None, **kwargs):
        assert ".download-" in download_root       # never straight into the data directory
        name = filename.removesuffix(".gz")
        size = SIZES[name.split("-")[0]]
        (Path(download_root) / name).write_bytes(idx_bytes(name, size))

    monkeypatch.setattr(mnist, "download_and_extract_archive", fetch)
    progress = []
    data = vision.mnist(data_dir=tmp_path, progress=progress.append)
    assert data.X_train.shape == (20, 784)
    assert sorted(p.name for p in (tmp_path / "MNIST" / "raw").iterdir()) == sorted(IDX_FILES)
    assert [p.name for p in tmp_path.iterdir()] == ["MNIST"]   # the temporary folder is gone
    assert any("Downloading MNIST" in text for text in progress)
    assert load("mnist", data_dir=tmp_path).y_train.tolist() == data.y_train.tolist()


def test_fetching_puts_the_files_in_place_and_reads_them_into_nothing(tmp_path, monkeypatch):
    """fetch_images only fetches: the set is read when it is loaded, once."""
    from torchvision.datasets import mnist

    def fetch(url, download_root, filename=None, md5=None, **kwargs):
        name = filename.removesuffix(".gz")
        (Path(download_root) / name).write_bytes(idx_bytes(name, SIZES[name.split("-")[0]]))

    monkeypatch.setattr(mnist, "download_and_extract_archive", fetch)
    reads = []
    read = imagefiles._read
    monkeypatch.setattr(imagefiles, "_read", lambda *args: reads.append(args) or read(*args))
    progress = []
    assert imagefiles.fetch_images("mnist", tmp_path, progress.append) is None
    assert sorted(p.name for p in (tmp_path / "MNIST" / "raw").iterdir()) == sorted(IDX_FILES)
    assert progress[-1] == f"MNIST is ready in {tmp_path}" and reads == []
    assert load("mnist", data_dir=tmp_path).X_train.shape == (20, 784) and len(reads) == 1


def test_fetching_a_set_in_place_downloads_nothing(tmp_path, offline):
    write_idx(tmp_path, "MNIST")
    imagefiles.fetch_images("mnist", tmp_path)
    assert offline == []


def test_missing_files_without_download(tmp_path):
    with pytest.raises(DatasetUnavailable, match="4 of its files are missing"):
        imagefiles.load_images("mnist", tmp_path, download=False)


def test_data_dir_resolution(tmp_path, monkeypatch):
    monkeypatch.setenv("LAB_DATA_DIR", str(tmp_path / "env"))
    assert imagefiles.resolve_data_dir(tmp_path / "arg") == tmp_path / "arg"
    assert imagefiles.resolve_data_dir() == tmp_path / "env"
    monkeypatch.delenv("LAB_DATA_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert imagefiles.resolve_data_dir() == tmp_path / "cache" / "logistic-regression-lab"


@pytest.mark.parametrize("name, folder", [("mnist-0v1", "MNIST"),
                                          ("fashion-mnist-tshirt-v-trouser", "FashionMNIST")])
def test_two_class_subsets(tmp_path, name, folder):
    write_idx(tmp_path, folder)
    full = load(name.split("-0v1")[0].split("-tshirt")[0], data_dir=tmp_path)
    data = load(name, data_dir=tmp_path)
    assert data.task == "binary" and data.y_train.dtype == torch.float32
    assert set(data.y_train.tolist()) == {0.0, 1.0}
    keep = full.y_train <= 1
    assert torch.equal(data.X_train, full.X_train[keep])
    assert data.y_train.tolist() == full.y_train[keep].float().tolist()
    assert len(data.y_test) == int((full.y_test <= 1).sum())
    assert data.class_names == full.class_names[:2]


def test_every_image_set_is_registered():
    for name in ("mnist", "fashion-mnist", "cifar10", "mnist-0v1",
                 "fashion-mnist-tshirt-v-trouser", "digits", "iris3"):
        assert name in DATASETS


def test_image_sets_train(tmp_path):
    """uint8 rows go through Dataset.features: a softmax and a logistic run both learn."""
    write_idx(tmp_path, "MNIST", n_train=200, n_test=50)
    for model, name in (("softmax", "mnist"), ("logistic", "mnist-0v1")):
        config = RunConfig(model=model, dataset=name, impl="both", lr=0.1, batch_size=32)
        run = Run(config, load(name, data_dir=tmp_path))
        ends = [e for e in train(run, 3) if isinstance(e, EpochEnd)]
        assert ends[-1].metrics["nn"].train_loss < ends[0].metrics["nn"].train_loss
        assert run.max_param_gap < 1e-4


def test_each_two_class_set_reads_the_files_of_the_set_it_is_cut_from():
    assert [vision.files_of(name) for name in ("mnist-0v1", "fashion-mnist-tshirt-v-trouser",
                                               "cifar10", "iris")] == [
        "mnist", "fashion-mnist", "cifar10", None]
