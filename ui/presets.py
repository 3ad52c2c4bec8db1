"""The course's experiments as one-click presets: a page, its settings, the result to expect.

The home page draws them as links that open the page and start training; the
tests open the same links and check that each reaches the result it promises.
The numbers in `expect` were measured with these very settings.
"""
from dataclasses import dataclass

from lab.config import RunConfig
from lab.i18n import N_
from lab.urlstate import all_params
from ui.controls import FULL_BATCH

LOGISTIC, LINEAR, SOFTMAX = "views/logistic.py", "views/linear.py", "views/softmax.py"


@dataclass(frozen=True)
class Preset:
    key: str            # short and stable: the tests name presets by it
    title: str          # the experiment, as the course names it (N_: shown with _())
    page: str           # the page file the link opens
    config: RunConfig
    settings: str       # the settings in words, and where they differ from the notes
    expect: str         # what the learner should see when it is done (measured)

    def query_params(self):
        """The link's query parameters: every setting, and train=1 to start at once."""
        return {**all_params(self.config), "train": "1"}


def _logistic(dataset, **settings):
    return RunConfig(model="logistic", dataset=dataset, **settings)


PRESETS = [
    Preset("C1-slides", N_("C1 · hours → pass, as in the slides"), LOGISTIC,
           _logistic("hours", impl="nn", lr=0.01, batch_size=FULL_BATCH, num_epochs=1000,
                     reduction="sum"),
           N_("torch.nn, lr 0.01, summed BCE (`size_average=False`), full batch, 1000 epochs."),
           N_("P(pass) crosses 0.5 at **2.42 h**; the mean BCE falls from 0.81 to 0.37.")),
    Preset("C1-notes", N_("C1 · hours → pass, as in the notes"), LOGISTIC,
           _logistic("hours", impl="nn", lr=0.01, batch_size=FULL_BATCH, num_epochs=10000,
                     reduction="mean"),
           N_("torch.nn, lr 0.01, mean BCE, full batch, 10 000 epochs."),
           N_("The same crossing, **2.42 h**, with a steeper sigmoid (w = 2.42, b = −5.88); "
              "the BCE falls from 0.81 to 0.19.")),
    Preset("C2", N_("C2 · iris, setosa vs versicolor, by hand"), LOGISTIC,
           _logistic("iris", impl="manual", lr=0.001, batch_size=FULL_BATCH, num_epochs=500,
                     init="normal", reduction="mean", seed=1),
           N_("manual w (1×4) and b from N(0, 1), lr 0.001, mean BCE, full batch, 500 epochs, "
              "seed 1 (the notes' draw is random too; seed 0 starts so far off that 500 "
              "epochs at this lr do not fix it)."),
           N_("The BCE falls from **1.99 to 0.48** and train and test accuracy reach **1.0**.")),
    Preset("C3-manual", N_("C3 · synthetic 2-D data, by hand"), LOGISTIC,
           _logistic("synthetic", impl="manual", lr=0.01, batch_size=64, num_epochs=100,
                     init="normal", reduction="mean", seed=1),
           N_("manual, w from N(0, 1), batch 64, 100 epochs, lr 0.01: the notes write lr 0.6 "
              "but their SGD divides the gradient of an already-mean loss by 64 again, so "
              "they step by 0.6/64 ≈ 0.0094."),
           N_("A slow, steady climb like the notes': train BCE 0.71 → 0.43, test accuracy "
              "**0.96** (the notes: 0.956).")),
    Preset("C3-nn", N_("C3 · synthetic 2-D data, with torch.nn"), LOGISTIC,
           _logistic("synthetic", impl="nn", lr=0.1, batch_size=64, num_epochs=100,
                     reduction="mean", seed=1),
           N_("nn.Linear + BCELoss + optim.SGD, lr 0.1, batch 64, 100 epochs (the same data, "
              "seed 1)."),
           N_("Test accuracy **0.985** (the notes: 0.99); train BCE down to 0.18.")),
    Preset("C4", N_("C4 · softmax regression, the notes' settings"), SOFTMAX,
           RunConfig(model="softmax", dataset="digits", impl="manual", lr=0.1, batch_size=256,
                     num_epochs=100, reduction="mean"),
           N_("manual softmax and cross-entropy (`gather` of the true class), batch 256, "
              "lr 0.1, 100 epochs, on the bundled 8×8 digits: Fashion-MNIST cannot be "
              "downloaded everywhere. (The notes sum the loss and divide the step by 256: "
              "the same as the mean here.)"),
           N_("Test accuracy **0.936**, cross-entropy 2.20 → 0.37. Pick Fashion-MNIST on the "
              "page where it can be downloaded: the notes reach 0.82–0.84.")),
    Preset("C6-nn", N_("C6 · linear regression with torch.nn"), LINEAR,
           RunConfig(model="linear", dataset="hours-points", impl="nn", lr=0.01,
                     batch_size=FULL_BATCH, num_epochs=1000, reduction="sum"),
           N_("nn.Linear(1, 1) + MSELoss(size_average=False) + SGD lr 0.01, full batch, "
              "1000 epochs."),
           N_("**ŷ(4) = 7.9994** with w = 1.9996, b = 0.0009: the line y = 2x.")),
    Preset("C6-manual", N_("C6 · linear regression by hand, one sample per update"), LINEAR,
           RunConfig(model="linear", dataset="hours-points", impl="manual", lr=0.01,
                     batch_size=1, num_epochs=100, reduction="sum"),
           N_("manual w and b, per-sample SGD (batch 1), lr 0.01, 100 epochs: the notes' "
              "loop, with the grads printed sample by sample."),
           N_("**ŷ(4) = 7.59** after 100 epochs (w = 1.76, b = 0.56), not yet 8: unlike the "
              "notes' w-only model this one learns b too, and the valley along w and b is "
              "shallow. Train again: 1000 epochs give 7.9995.")),
]
