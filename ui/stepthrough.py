"""One Step in the course's four stages, with this batch's real numbers in the formulas."""
import pandas as pd
import streamlit as st

from lab.models import FAMILIES
from lab.numbers import human

ROWS = 8  # examples shown per stage; the sums and means use the whole batch


def show(explained, family, feature_names, lr=None, class_names=()):
    """Draw the four stages of the Step just taken (nothing if there is none).

    family: its name in lab.models.FAMILIES. lr is not used: the Step keeps its own.
    """
    if not explained:
        st.caption("Press **Step** to train one mini-batch and see it here in four stages.")
        return
    family = FAMILIES[family]
    f, lo, ba, up = st.tabs(["1 · forward", "2 · loss", "3 · backward", "4 · update"])
    _forward(f, explained, family, feature_names, class_names)
    _loss(lo, explained)
    _backward(ba, explained, family)
    _update(up, explained)


def _rows(values):
    return [_fmt(v) for v in values[:ROWS]]


def _fmt(v):
    if isinstance(v, list):
        return "[" + ", ".join(human(x, 3) for x in v[:10]) + (", …]" if len(v) > 10 else "]")
    return v


def _forward(tab, e, family, feature_names, class_names):
    tab.markdown(f"{family.step.forward}, with the parameters **before** this update:")
    table = {}
    if len(feature_names) <= 4:
        for j, name in enumerate(feature_names):
            table[f"x[{name}]"] = [row[j] for row in e["X"][:ROWS]]  # a feature may be "y"
    y = e["y"][:ROWS]
    table["y"] = [class_names[int(c)] for c in y] if family.multiclass and class_names else y
    table["z"] = _rows(e["forward"]["z"])
    table["ŷ"] = _rows(e["forward"]["y_hat"])
    tab.dataframe(pd.DataFrame(table), hide_index=True)


def _loss(tab, e):
    loss = e["loss"]
    per = loss["per_example"]
    how = "sum" if loss["reduction"] == "sum" else "mean"
    tab.markdown(f"The loss of each example, then their **{how}** over the "
                 f"{len(per)} examples of the batch:")
    tab.dataframe(pd.DataFrame({"loss of the example": per[:ROWS]}), hide_index=True)
    tab.metric(f"Batch loss ({how})", human(loss["value"], 6))


def _backward(tab, e, family):
    b = e["backward"]
    tab.markdown("`loss.backward()` fills the gradients. The same gradient from the formula "
                 "derived by hand, and estimated by finite differences, (L(θ+h) − L(θ−h)) / 2h:")
    formula = family.step.gradient
    if e["loss"]["reduction"] == "sum":  # a summed loss: no 1/N
        formula = formula.replace(r"\frac{1}{N}", "").replace(r"\frac{2}{N}", "2")
    tab.latex(formula)
    rows = []
    for name in ("weight", "bias"):
        flat = [_flatten(b[k][name]) for k in ("autograd", "formula", "finite_diff")]
        for i, (a, f, d) in enumerate(zip(*flat)):
            if i == ROWS:
                break
            rows.append({"parameter": f"{name}[{i}]", "autograd": a, "formula": f,
                         "finite differences": d})
    tab.dataframe(pd.DataFrame(rows).style.format(precision=6, subset=["autograd", "formula",
                                                                       "finite differences"]),
                  hide_index=True)
    fd = [v for name in ("weight", "bias") for v in _flatten(b["finite_diff"][name])]
    checked = sum(v == v for v in fd)  # nan != nan: an entry left out
    if checked < len(fd):
        tab.caption(f"Finite differences cost two losses per entry: {checked:,} of the "
                    f"{len(fd):,} entries, evenly spaced, are checked; the others show nan.")
    tab.markdown(f"Largest gap between the three, relative to the gradient's size: "
                 f"**{b['max_gap']:.2e}**")


def _update(tab, e):
    tab.markdown("Under `torch.no_grad()`: **w ← w − lr·∂L/∂w**, then the gradients are zeroed.")
    lines, lr = [], e["lr"]
    for name, u in e["update"].items():
        columns = (_flatten(u["before"]), _flatten(u["grad"]), _flatten(u["after"]))
        for i, (before, grad, after) in enumerate(zip(*columns)):
            if i == ROWS:
                break
            shown = f"({human(grad, 6)})" if grad < 0 else human(grad, 6)
            lines.append(f"{name}[{i}] = {human(before, 6)} − {lr:g} × {shown} = "
                         f"{human(after, 6)}")
    tab.code("\n".join(lines), language=None)


def _flatten(value):
    if isinstance(value, list):
        return [x for v in value for x in _flatten(v)]
    return [value]
