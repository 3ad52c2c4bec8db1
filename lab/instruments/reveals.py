"""What a lesson's reveal gives back (lab.lessons): a Result, the run's facts with a figure
to draw and a sentence of its own numbers. Nothing here draws: ui.lessons draws each kind
of figure (Fit, Curves, Table or Printed)."""
from dataclasses import dataclass


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
    """Lines to overlay: name → (xs, ys)."""

    series: dict
    x_title: str
    y_title: str
    log_y: bool = False


@dataclass
class Table:
    """Columns of values, one row per index label."""

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
    detail: str          # the run's own numbers, in a sentence
