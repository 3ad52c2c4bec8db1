"""One Step in the course's four stages, with this batch's real numbers in the formulas."""
import pandas as pd
import streamlit as st

from lab.i18n import _
from lab.models import FAMILIES
from lab.numbers import human
from ui.text import plain

ROWS = 8  # examples shown per stage; the sums and means use the whole batch


def show(explained, family, feature_names, lr=None, class_names=()):
    """Draw the four stages of the Step just taken (nothing if there is none).

    family: its name in lab.models.FAMILIES. lr is not used: the Step keeps its own.
    """
    if not explained:
        st.caption(_("Press **Step** to train one mini-batch and see it here in four stages."))
        return
    family = FAMILIES[family]
    f, lo, ba, up = st.tabs([_("1 · forward"), _("2 · loss"), _("3 · backward"),
                             _("4 · update")])
    _forward(f, explained, family, feature_names, class_names)
    _loss(lo, explained)
    _backward(ba, explained, family)
    _update(up, explained)


def narrate(box, explained, family, class_names=()):
    """The Step just taken, told in four short stages beside the charts (lecture mode):
    the formulas with the numbers of the batch's first example, and of the batch. Of a
    weight with many entries, the one the update moves most is told."""
    if not explained:
        return
    e, family = explained, FAMILIES[family]
    n, lr = e["loss"]["examples"], e["lr"]
    w, b = (_told_entry(name, e["update"][key]) for name, key in (("w", "weight"), ("b", "bias")))
    box.markdown(_("**The Step just taken**"))
    box.markdown(_("**1 · forward**, example 1 of {n}: {told}").format(
        n=n, told=_forward_told(e, family, w, b, class_names)))
    loss = {"first": _h(e["loss"]["per_example"][0]), "n": n, "value": _h(e["loss"]["value"])}
    if e["loss"]["reduction"] == "sum":
        told = _("**2 · loss**: ℓ₁ = {first}; L = sum of the {n} = **{value}**")
    else:
        told = _("**2 · loss**: ℓ₁ = {first}; L = mean of the {n} = **{value}**")
    box.markdown(told.format(**loss))
    box.markdown(_("**3 · backward**: ∂L/∂{w} = {w_grad}, ∂L/∂{b} = {b_grad}").format(
        w=w["name"], w_grad=_h(w["grad"]), b=b["name"], b_grad=_h(b["grad"])))
    box.markdown(_("**4 · update**: {w}, {b}").format(w=_updated(w, lr), b=_updated(b, lr)))


def _told_entry(name, update):
    """{name, before, grad, after} of the entry with the largest gradient; named w, w[j]
    or, of a weight with a row per class, W[c, j]."""
    flat = {k: _flatten(v) for k, v in update.items()}
    i = max(range(len(flat["grad"])), key=lambda j: abs(flat["grad"][j]))
    rows = update["before"]  # (1, d) or (k, d) for a weight, (1,) or (k,) for a bias
    if isinstance(rows[0], list) and len(rows) > 1:
        name = f"{name.upper()}[{i // len(rows[0])}, {i % len(rows[0])}]"
    elif len(flat["grad"]) > 1:
        name = f"{name}[{i}]"
    return {"name": name, **{k: v[i] for k, v in flat.items()}}


def _forward_told(e, family, w, b, class_names):
    x, y = e["X"][0], e["y"][0]
    z, y_hat = e["forward"]["z"][0], e["forward"]["y_hat"][0]
    if family.multiclass:  # a score per class: the true class's
        c = int(y)
        name = plain(class_names[c]) if class_names else c
        return _("a score per class, z = W·x + b; the true class {name} has z = {z}, "
                 "and softmax(z) gives it p = **{p}**").format(name=name, z=_h(z[c]),
                                                             p=_h(y_hat[c]))
    linked = y_hat != z  # a link function (the sigmoid) after the score; else ŷ is the score
    told = ("z" if linked else "ŷ") + " = w·x + b = " + (
        f"{_h(w['before'])} × {_x(x[0])} + {_signed(b['before'])} = " if len(x) == 1 else "")
    told += f"**{_h(z)}**"
    if linked:
        told += f", ŷ = σ(z) = **{_h(y_hat)}**"
    return told + f" (y = {y:g})"


def _updated(u, lr):
    return (f"{u['name']} = {_h(u['before'])} − {lr:g} × {_signed(u['grad'])} = "
            f"**{_h(u['after'])}**")


def _h(v):
    return human(v, 4)


def _x(v):
    return f"{v:g}" if float(v).is_integer() else _h(v)


def _signed(v):
    return f"({_h(v)})" if v < 0 else _h(v)


def _rows(values):
    return [_fmt(v) for v in values[:ROWS]]


def _fmt(v):
    if isinstance(v, list):
        return "[" + ", ".join(human(x, 3) for x in v[:10]) + (", …]" if len(v) > 10 else "]")
    return v


def _forward(tab, e, family, feature_names, class_names):
    tab.markdown(_("{forward}, with the parameters **before** this update:").format(
        forward=_(family.step.forward)))
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
    if loss["reduction"] == "sum":
        told = _("The loss of each example, then their **sum** over the "
                 "{n} examples of the batch:")
        label = _("Batch loss (sum)")
    else:
        told = _("The loss of each example, then their **mean** over the "
                 "{n} examples of the batch:")
        label = _("Batch loss (mean)")
    tab.markdown(told.format(n=loss["examples"]))
    tab.dataframe(pd.DataFrame({_("loss of the example"): per[:ROWS]}), hide_index=True)
    tab.metric(label, human(loss["value"], 6))


def _backward(tab, e, family):
    b = e["backward"]
    tab.markdown(_("`loss.backward()` fills the gradients. The same gradient from the formula "
                   "derived by hand, and estimated by finite differences, "
                   "(L(θ+h) − L(θ−h)) / 2h:"))
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
            rows.append({_("parameter"): f"{name}[{i}]", "autograd": a, _("formula"): f,
                         _("finite differences"): d})
    numbers = ["autograd", _("formula"), _("finite differences")]
    tab.dataframe(pd.DataFrame(rows).style.format(precision=6, subset=numbers), hide_index=True)
    fd = [v for name in ("weight", "bias") for v in _flatten(b["finite_diff"][name])]
    checked = sum(v == v for v in fd)  # nan != nan: an entry left out
    if checked < len(fd):
        tab.caption(_("Finite differences cost two losses per entry: {checked} of the "
                      "{entries} entries, evenly spaced, are checked; the others show nan.").format(
                          checked=f"{checked:,}", entries=f"{len(fd):,}"))
    tab.markdown(_("Largest gap between the three, relative to the gradient's size: "
                   "**{gap}**").format(gap=f"{b['max_gap']:.2e}"))


def _update(tab, e):
    tab.markdown(_("Under `torch.no_grad()`: **w ← w − lr·∂L/∂w**, then the gradients are "
                   "zeroed."))
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
