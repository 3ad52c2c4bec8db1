"""The Softmax regression page, driven through Streamlit's AppTest (no browser)."""
import struct
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import pytest
import torch

from lab import data as datasets
from lab.data.imagefiles import CIFAR_FILES, IDX_FILES
from tests.pages import chart_data, open_link, set_widget, shown
from tests.pages import open_page as _open

ACCURACY = "Accuracy (the most probable class)"
CONFUSION = "Confusion matrix (test split)"


def open_page():
    return _open("softmax")


def panel(at):
    return at.session_state["softmax.panel"]


def train(at, dataset, impl="manual", epochs=3, batch_size=32, lr=0.5):
    at.selectbox(key="softmax.dataset").set_value(dataset)
    set_widget(at, "softmax.impl", impl)
    at.number_input(key="softmax.num_epochs").set_value(epochs)
    at.select_slider(key="softmax.batch_size").set_value(batch_size)
    at.select_slider(key="softmax.lr").set_value(lr)
    at.run()
    at.button(key="softmax.train").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return panel(at).run


def assert_confusion_holds_the_test_split(at, data):
    cells = chart_data(at, CONFUSION)["cells"]
    assert len(cells) == data.num_classes ** 2
    assert cells["count"].sum() == len(data.y_test)


def assert_accuracy_curves_are_the_runs(at, run):
    """A point per epoch, split and twin; the last ones are the run's latest accuracies."""
    curves = chart_data(at, ACCURACY)["curves"]
    assert sorted(zip(curves["epoch"], curves["split"], curves["implementation"])) == sorted(
        (e, split, impl) for e in range(1, run.epoch + 1) for split in ("train", "test")
        for impl in run.models)
    last = curves[curves["epoch"] == run.epoch].set_index(["split", "implementation"])["value"]
    for impl, metrics in run.history.latest.metrics.items():
        assert (last["train", impl], last["test", impl]) == (metrics.train_acc, metrics.test_acc)


def assert_cross_entropy_table_is_torchs(at, run, step):
    """The worked cross-entropy table: the first 8 rows of the last batch, each column as
    PyTorch computes it from those rows and the first twin's parameters, to the digits shown."""
    F = torch.nn.functional
    names = run.data.class_names
    columns = ["#", "y", "predicted", "p[y]", "−log p[y]", *(f"z[{name}]" for name in names)]
    (table,) = [d.value for d in at.dataframe if list(d.value.columns) == columns]
    n = min(8, len(step.y))
    X, y, p = step.X[:n], step.y[:n], run.params(next(iter(run.models)))
    logits = F.linear(X, p["weight"], p["bias"])  # (n, k)
    probs = torch.softmax(logits, dim=1)
    assert table["#"].tolist() == list(range(1, n + 1))
    assert table["y"].tolist() == [names[c] for c in y.tolist()]
    assert table["predicted"].tolist() == [names[c] for c in logits.argmax(dim=1).tolist()]
    expected = {"p[y]": probs[torch.arange(n), y],
                "−log p[y]": F.cross_entropy(logits, y, reduction="none"),
                **{f"z[{name}]": logits[:, j] for j, name in enumerate(names)}}
    for name, values in expected.items():  # 4 decimals, or 3 significant digits (7.64e-03)
        shown_values = [float(v) for v in table[name]]
        assert shown_values == pytest.approx(values.tolist(), rel=5e-3, abs=1e-4), name


@pytest.mark.parametrize("impl", ["manual", "nn", "both"])
@pytest.mark.parametrize("dataset", ["digits", "iris3"])
def test_trains_every_bundled_dataset_with_every_implementation(dataset, impl):
    at = open_page()
    run = train(at, dataset, impl, lr=0.5 if dataset == "digits" else 0.05)
    assert run.config.dataset == dataset and run.epoch == 3
    assert set(run.models) == ({"manual", "nn"} if impl == "both" else {impl})
    if impl == "both":
        assert run.max_param_gap < 1e-4
        assert any(c.value.startswith("manual vs torch.nn, largest gap") for c in at.caption)
    assert_accuracy_curves_are_the_runs(at, run)
    assert_confusion_holds_the_test_split(at, run.data)
    assert any("Epoch 3" in m.value for m in at.markdown)
    assert_cross_entropy_table_is_torchs(at, run, panel(at).last_step)
    if dataset == "digits":  # 10 weight pictures, 8 mistakes and 4 worked examples at most
        assert len(at.get("image")) >= 10
    else:  # tabular: the weights as a class × feature heat map
        weights = chart_data(at, "Weights: a row per class, a column per feature")["cells"]
        assert len(weights) == 3 * 4


def test_digits_defaults_reach_95_percent_within_20_epochs():
    at = open_page()
    at.button(key="softmax.train").click().run()
    run = panel(at).run
    config = run.config
    assert (config.dataset, config.lr, config.batch_size, run.epoch) == ("digits", 0.5, 32, 20)
    assert run.history.latest.metrics["manual"].test_acc >= 0.95
    curves = chart_data(at, ACCURACY)["curves"]
    assert curves[curves["split"] == "test"]["value"].iloc[-1] >= 0.95


def test_worked_cross_entropy_matches_the_batch():
    at = open_page()
    at.button(key="softmax.step").click().run()
    step = panel(at).last_step
    (table,) = [df for df in at.dataframe if "−log p[y]" in df.value.columns]
    assert len(table.value) == 8 and step.rows == 32
    labels = [str(int(c)) for c in step.y[:8]]
    assert table.value["y"].tolist() == labels
    assert any(m.value.startswith("Mean of −log p over the batch (the first 8 shown)")
               for m in at.markdown)


def test_the_naive_softmax_gives_nan_where_the_shifted_one_does_not():
    at = open_page()
    text = " ".join(m.value for m in at.markdown)
    assert "`exp(z) / exp(z).sum()`: **[nan, 0]**" in text
    assert "Shifted by the largest logit first: **[1, 0]**" in text
    at.number_input(key="softmax.caution_logit").set_value(5.0).run()
    assert "No overflow at this size" in " ".join(m.value for m in at.markdown)


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """An empty data directory, and image sets loaded afresh (the cache is process-wide)."""
    from ui.datasets import cached_dataset

    monkeypatch.setenv("LAB_DATA_DIR", str(tmp_path))
    cached_dataset.clear()
    yield tmp_path
    cached_dataset.clear()


def test_offline_a_torchvision_set_is_explained_and_the_page_stays_usable(data_dir, monkeypatch):
    def refuse(request, *args, **kwargs):
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    at = open_page()
    at.selectbox(key="softmax.dataset").set_value("mnist").run()
    assert not at.exception
    (message,) = [e.value for e in at.error]
    assert "Could not download MNIST" in message and str(data_dir) in message
    assert all(name in message for name in IDX_FILES)
    at.button(key="softmax.use_digits").click().run()
    assert not at.exception and not at.error
    assert at.selectbox(key="softmax.dataset").value == "digits"
    at.number_input(key="softmax.num_epochs").set_value(2).run()
    at.button(key="softmax.train").click().run()
    assert panel(at).run.epoch == 2 and not at.error


def idx_bytes(file_name, n):
    """A tiny raw IDX file of 28×28 images: class c has a bright band at rows 2c, 2c + 1."""
    y = np.arange(n, dtype=np.uint8) % 10
    X = np.random.default_rng(n).integers(0, 64, (n, 28, 28), dtype=np.uint8)
    for i, c in enumerate(y):
        X[i, 2 * c:2 * c + 2] = 255
    if "images" in file_name:
        return struct.pack(">IIII", 0x00000803, n, 28, 28) + X.tobytes()
    return struct.pack(">II", 0x00000801, n) + y.tobytes()


def test_a_fashion_mnist_shaped_set_downloads_with_progress_and_trains(data_dir, monkeypatch):
    from torchvision.datasets import mnist

    def fetch(url, download_root, filename=None, md5=None, **kwargs):  # a download that works
        name = filename.removesuffix(".gz")
        (Path(download_root) / name).write_bytes(idx_bytes(name, 60 if "train" in name else 20))

    monkeypatch.setattr(mnist, "download_and_extract_archive", fetch)
    at = open_page()
    at.selectbox(key="softmax.dataset").set_value("fashion-mnist").run()
    progress = [m.value for m in at.markdown]
    assert any(text.startswith("Downloading Fashion-MNIST") for text in progress)
    assert f"Fashion-MNIST is ready in {data_dir}" in progress
    assert (data_dir / "FashionMNIST" / "raw" / IDX_FILES[0]).is_file()
    run = train(at, "fashion-mnist", epochs=2, batch_size=16, lr=0.1)
    assert run.epoch == 2 and run.data.X_train.shape == (60, 784)
    assert len(at.get("image")) >= 10  # a 28×28 picture of each class's weights
    names = {shown(m.value) for m in at.markdown}
    assert {"#### T-shirt/top", "#### Ankle boot"} <= names
    assert_confusion_holds_the_test_split(at, run.data)
    at.run()  # the files are in place now: no second download, same data
    assert not at.exception and panel(at).run is run
    assert not any(m.value.startswith("Downloading") for m in at.markdown)


def test_a_cifar_shaped_set_draws_colour_weight_images(data_dir, monkeypatch):
    folder = data_dir / "cifar-10-batches-py"  # in place, so nothing is downloaded
    folder.mkdir()
    for name in CIFAR_FILES:
        (folder / name).touch()
    g = torch.Generator().manual_seed(0)

    def pixels(n):
        return torch.randint(0, 256, (n, 3 * 32 * 32), dtype=torch.uint8, generator=g)

    def labels(n):
        return torch.arange(n) % 10
    fake = datasets.Dataset("cifar10", "multiclass", pixels(40), labels(40), pixels(10),
                            labels(10), [], [f"class {c}" for c in range(10)],
                            image_shape=(3, 32, 32), description="CIFAR-shaped noise.")
    monkeypatch.setitem(datasets.DATASETS, "cifar10", lambda seed=0, data_dir=None: fake)
    at = open_page()
    run = train(at, "cifar10", epochs=1, batch_size=16, lr=0.01)
    assert run.data is fake and run.epoch == 1
    assert len(at.get("image")) >= 10
    assert "#### class 9" in {m.value for m in at.markdown}
    assert_confusion_holds_the_test_split(at, fake)


def test_step_shows_the_four_stages_and_train_continues_the_run():
    at = open_page()
    before = panel(at).run.params("manual")["weight"].clone()
    at.button(key="softmax.step").click().run()
    assert not at.exception
    e = panel(at).explained
    assert e["backward"]["max_gap"] < 1e-3
    assert len(e["forward"]["y_hat"][0]) == 10  # a probability per class, summing to 1
    assert sum(e["forward"]["y_hat"][0]) == pytest.approx(1, abs=1e-5)
    grad = torch.tensor(e["backward"]["autograd"]["weight"])
    after = panel(at).run.params("manual")["weight"]
    assert torch.allclose(after, before - 0.5 * grad, atol=1e-6)
    assert [t.label for t in at.tabs] == ["1 · forward", "2 · loss", "3 · backward", "4 · update"]
    assert any("weight[0] =" in c.value for c in at.code)
    at.button(key="softmax.step").click().run()
    assert panel(at).run.batch == 2
    at.number_input(key="softmax.num_epochs").set_value(1).run()
    at.button(key="softmax.train").click().run()  # from batch 2 to the end of epoch 1
    run = panel(at).run
    batches = -(-len(run.data.y_train) // 32)
    assert run.epoch == 1 and run.updates == batches and panel(at).explained is None


def test_runs_are_kept_and_overlaid():
    at = open_page()
    train(at, "iris3", epochs=2, lr=0.05)
    at.button(key="softmax.reset").click().run()
    at.select_slider(key="softmax.lr").set_value(0.5).run()
    at.button(key="softmax.train").click().run()
    assert [r.run.config.lr for r in at.session_state["lab.runs"]] == [0.05, 0.5]
    overlay = chart_data(at, "Loss of the chosen runs")["runs"]
    assert overlay["run"].nunique() == 2 and len(overlay) == 2 * 2 * 2  # epochs × train, test
    assert "lr 0.5 ·" in overlay["run"].iloc[-1]  # set before it trained: one rate, not 0.05→0.5


def csv_rows(classes, per_class=12):
    rows = ["petal,sepal,kind"]
    for i in range(per_class * len(classes)):
        c = i % len(classes)
        rows.append(f"{c + 0.1 * (i % 5)},{2 * c - 0.2 * (i % 3)},{classes[c]}")
    return "\n".join(rows).encode()


def open_with_csv(content):
    at = open_page()
    at.selectbox(key="softmax.dataset").set_value("csv").run()
    at.file_uploader(key="softmax.upload").upload("kinds.csv", content, "text/csv").run()
    assert not at.exception
    return at


@pytest.mark.parametrize("classes", [["a", "b", "c"], ["no", "yes"]])
def test_an_uploaded_csv_trains_with_its_classes(classes):
    at = open_with_csv(csv_rows(classes))
    assert not at.error, [e.value for e in at.error]
    at.number_input(key="softmax.num_epochs").set_value(3).run()
    at.button(key="softmax.train").click().run()
    assert not at.exception and not at.error
    run = panel(at).run
    assert run.epoch == 3 and run.data.class_names == classes
    assert run.data.y_train.dtype == torch.int64  # two classes too: softmax with k = 2
    assert run.params("manual")["weight"].shape == (len(classes), 2)
    assert_confusion_holds_the_test_split(at, run.data)


def test_a_csv_with_too_many_classes_is_refused_and_the_page_goes_on():
    at = open_with_csv(csv_rows([f"k{i}" for i in range(21)], per_class=3))
    assert any("21" in e.value and "20" in e.value for e in at.error), [e.value for e in at.error]
    at.selectbox(key="softmax.dataset").set_value("digits").run()
    assert not at.exception and panel(at).run.data.name == "digits"


def test_lecture_mode_shows_the_three_views_and_tells_a_step():
    at = open_link("softmax", {"lecture": "1", "dataset": "iris3", "batch_size": "16",
                               "num_epochs": "2", "lr": "0.1", "standardize": "true"})
    assert not at.warning and at.toggle(key="softmax.lecture").value
    at.button(key="softmax.step").click().run()
    told = " ".join(shown(m.value) for m in at.markdown)
    assert "**4 · update**" in told and "softmax(z) gives it p = " in told
    worked = at.table[0].value  # the batch's cross-entropy, in the first screen
    assert list(worked.columns) == ["y", "p[y]", "ℓ"] and len(worked) == 4
    p, loss = float(worked["p[y]"][0]), float(worked["ℓ"][0])
    assert abs(-torch.log(torch.tensor(p)).item() - loss) < 1e-3
    at.button(key="softmax.train").click().run()
    assert panel(at).run.epoch == 2 and not at.exception
    assert any(m.value.startswith("Accuracy train **") for m in at.markdown)
    assert at.query_params["lecture"] == "1"
