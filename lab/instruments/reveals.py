"""What a lesson's reveal gives back (lab.lessons): a Result, the run's facts with a figure
to draw and sentences of its own numbers. Nothing here draws: ui.lessons draws each kind
of figure (Fit, Curves, Table or Printed).

A sentence is kept as a lab.i18n.Said, its English msgid and named values, and put into
words only where it is read (`Result.detail`), in that moment's language: a reveal runs in a
button's callback, before the page has set the language, and its Result stays in the
session while the learner may switch from English to 中文 and back."""
from dataclasses import dataclass

from lab.i18n import N_, _, words

AFTER = N_("{sentence} {next}")  # one sentence of a detail after another


@dataclass
class Fit:
    """A fitted curve over the data, with the answer marked on `axis` ("x" or "y")."""

    x: list
    y: list
    data_x: list
    data_y: list
    answer: float
    axis: str
    x_title: str
    y_title: str
    at: float | None = None  # axis "y": the x where ŷ is read (the answer: a rule at ŷ)


@dataclass
class Curves:
    """Lines to overlay: name → (xs, ys); names and titles are msgids (or plain names)."""

    series: dict
    x_title: str
    y_title: str
    log_y: bool = False


@dataclass
class Table:
    """Columns of values, one row per index label (msgids, Saids or plain names)."""

    columns: dict
    index: list
    index_name: str = ""


@dataclass
class Printed:
    """Lines of PyTorch and what each printed (a tensor, or PyTorch's own error)."""

    lines: list  # (code, output)


@dataclass
class Result:
    facts: dict          # the run's numbers and labels, by name: what a step reads
    figure: object       # Fit, Curves, Table or Printed
    said: tuple          # the run's own numbers, as sentences (Said), worded when shown

    @property
    def detail(self):
        """The sentences of the run's numbers, in the current language."""
        text = ""
        for sentence in map(words, self.said):  # Chinese puts no space after "。"
            text = _(AFTER).format(sentence=text, next=sentence) if text else sentence
        return text
