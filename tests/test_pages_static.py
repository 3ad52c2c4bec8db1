"""Page tests (AppTest) for the pages without training: losses and sigmoids, tensor basics.

Reached through app.py, so the navigation entries are tested too. AppTest draws
nothing, so the numbers are read from the rendered elements.
"""
import re
from pathlib import Path

import pytest
import torch
from streamlit.testing.v1 import AppTest

from lab.instruments import tensors as lab_tensors
from tests.pages import shown

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def open_page(path):
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    at.switch_page(path)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def edit_bce_rows(at, edited=None, added=(), deleted=()):
    """Seed the data editor's edits (AppTest cannot type into its cells) and rerun."""
    at.session_state["bce_rows"] = {"edited_rows": edited or {}, "added_rows": list(added),
                                    "deleted_rows": list(deleted)}
    at.run()
    assert not at.exception, [e.message for e in at.exception]


def warnings(at):
    """The warnings as the reader sees them (typed values are escaped Markdown)."""
    return [shown(w.value) for w in at.warning]


def metric(at, label_start):
    (found,) = [m for m in at.metric if m.label.startswith(label_start)]
    return found.value


def bce_results(at):
    """The computed table (the read-only dataframe) as {row: loss}."""
    (table,) = [df for df in at.dataframe if df.editing_mode == "read_only"]
    return {int(row): round(loss, 4) for row, loss in table.value["loss"].items()}


@pytest.fixture()
def losses():
    return open_page("views/losses.py")


@pytest.fixture()
def tensors():
    return open_page("views/tensors.py")


def test_losses_page_computes_the_slides_table(losses):
    assert losses.title[0].value == "Losses and sigmoids"
    assert bce_results(losses) == {1: 1.6094, 2: 0.2231, 3: 0.3567, 4: 1.2040}
    assert metric(losses, "Mini-batch BCE") == "0.8483"
    assert not losses.warning
    assert len(losses.get("plotly_chart")) == 3


def test_a_bad_probability_gets_an_inline_message_and_the_page_runs_on(losses):
    edit_bce_rows(losses, edited={1: {"ŷ": "1.5"}})
    assert warnings(losses) == [
        "Row 2: ŷ = “1.5” is not a probability; ŷ must be between 0 and 1. "
        "It is left out of the mean."]
    assert bce_results(losses) == {1: 1.6094, 3: 0.3567, 4: 1.2040}
    assert metric(losses, "Mini-batch BCE") == "1.0567"   # (1.6094 + 0.3567 + 1.2040) / 3


def test_bad_labels_and_empty_cells_are_named(losses):
    edit_bce_rows(losses, edited={0: {"y": "2"}}, added=[{"y": "1"}, {}])
    assert warnings(losses) == [
        "Row 1: y = “2” is not a label; y must be 0 or 1. It is left out of the mean.",
        "Row 5: ŷ is empty; type a number. It is left out of the mean.",
        "Row 6: empty; type y and ŷ. It is left out of the mean."]
    assert set(bce_results(losses)) == {2, 3, 4}


def test_the_table_keeps_what_was_typed_and_quotes_it_as_text(losses):
    """Issue 9: a number column rewrote 1e-50, 0.5 and abc, and the warnings quoted the
    rewritten value, as Markdown. Now cells are text, read by the page, quoted verbatim."""
    typed = {0: "1e-50", 1: "0,5", 2: "abc", 3: "[x](https://evil.example)"}
    edit_bce_rows(losses, edited={0: {"ŷ": typed[0]}, 1: {"y": "0.5"}, 2: {"ŷ": typed[2]},
                                  3: {"ŷ": typed[3], "y": r"$\Huge X$"}})
    assert warnings(losses) == [
        "Row 2: y = “0.5” is not a label; y must be 0 or 1. It is left out of the mean.",
        "Row 3: ŷ = “abc” is not a number. It is left out of the mean.",
        r"Row 4: y = “$\Huge X$” is not a number. It is left out of the mean.",
        "Row 4: ŷ = “[x](https://evil.example)” is not a number. It is left out of the mean."]
    raw = " ".join(w.value for w in losses.warning)  # as Markdown: no link, no formula
    assert "[x](" not in raw and "$\\Huge" not in raw and "“\\$" in raw
    assert bce_results(losses) == {1: 100.0}  # 1e-50 is kept: 0 in float32, clamped
    (clamped,) = [shown(i.value) for i in losses.info]
    assert clamped.startswith("Row 1: with ŷ = “1e-50” the true label gets probability")
    assert "costs exactly 100, not inf" in clamped
    edit_bce_rows(losses, edited={1: {"ŷ": "0,5"}})
    assert warnings(losses) == [
        "Row 2: ŷ = “0,5” is not a number; the decimal point is a dot (0.5). "
        "It is left out of the mean."]


def test_a_certain_wrong_answer_shows_the_clamped_100(losses):
    edit_bce_rows(losses, edited={0: {"ŷ": 0.0}})
    assert bce_results(losses)[1] == 100.0
    assert any("Row 1" in i.value and "100" in i.value for i in losses.info)
    assert metric(losses, "Mini-batch BCE") == f"{(100 + 0.2231 + 0.3567 + 1.2040) / 4:.4f}"


def test_the_gradient_demo_is_live(losses):
    assert float(metric(losses, "dBCE/dz")) == pytest.approx(-0.998, abs=1e-3)
    losses.slider(key="z_mark").set_value(0.0).run()
    assert float(metric(losses, "dMSE/dz")) == pytest.approx(-0.25)
    assert float(metric(losses, "dBCE/dz")) == pytest.approx(-0.5)


def code_blocks(at):
    return [c.value for c in at.code]


def test_tensor_page_broadcasts_and_shows_the_in_place_error(tensors):
    assert tensors.title[0].value == "Tensor basics"
    blocks = code_blocks(tensors)
    assert blocks.count("tensor([[3, 4, 5],\n        [2, 3, 4]])") == 2   # M - N, M.subtract(N)
    errors = [shown(e.value) for e in tensors.error]
    assert errors == ["RuntimeError: output with shape [1, 3] doesn't match "
                      "the broadcast shape [2, 3]"]
    assert any("Why `M.sub_(N)` fails" in i.value for i in tensors.info)


def test_tensor_page_is_live(tensors):
    tensors.text_input(key="M").set_value("[[4, 5, 6], [7, 8, 9]]").run()
    assert not tensors.error                    # the answer (2×3) now fits M: sub_ works too
    assert code_blocks(tensors).count("tensor([[3, 4, 5],\n        [5, 6, 7]])") == 3
    tensors.text_input(key="N").set_value("10; 20").run()
    assert code_blocks(tensors).count("tensor([[ -6,  -5,  -4],\n        [-13, -12, -11]])") == 3


def test_tensor_page_shows_pytorchs_words_for_bad_input(tensors):
    tensors.text_input(key="M").set_value("[[1, 2], [3]]").run()
    assert not tensors.exception
    assert any("expected sequence of length 2" in shown(e.value) for e in tensors.error)
    tensors.text_input(key="M").set_value("__import__('os').system('true')").run()
    assert not tensors.exception
    assert any("is not a number" in shown(e.value) for e in tensors.error)


def test_tensor_page_matrix_product(tensors):
    """P (3×2) and Q (4×2) from N(0, 0.01²) with seed 0, and P @ Q.T, as PyTorch prints them."""
    g = torch.Generator().manual_seed(0)
    P = torch.normal(0.0, 0.01, size=(3, 2), generator=g)
    Q = torch.normal(0.0, 0.01, size=(4, 2), generator=g)
    blocks = code_blocks(tensors)
    first = blocks.index(str(P))
    assert sorted(blocks[first:first + 4]) == sorted(map(str, (P, Q, Q.T, P @ Q.T)))  # 2 columns
    assert (P @ Q.T).shape == (3, 4) and "e-0" in str(P @ Q.T)  # products of 0.01s: tiny
    tensors.number_input(key="q_cols").set_value(3).run()
    assert any("cannot be multiplied (3x2 and 3x4)" in shown(e.value) for e in tensors.error)


def test_tensor_page_no_grad_gradients(tensors):
    assert [metric.value for metric in tensors.metric] == ["5", "2"]
    tensors.number_input(key="x").set_value(2.0).run()
    assert [metric.value for metric in tensors.metric] == ["16", "4"]


@pytest.mark.parametrize("typed", ["[x](https://evil.example)", r"$\Huge X$",
                                   "<b>bold</b> `1`", "**1**, :red[2]"])
@pytest.mark.parametrize("box", ["M", "N"])
def test_tensor_page_shows_what_was_typed_as_text(tensors, box, typed):
    """Issue 9: the parse error quotes the typed value; as Markdown a link became a live
    link and $...$ became LaTeX. It is escaped: shown exactly, as text."""
    tensors.text_input(key=box).set_value(typed).run()
    assert not tensors.exception
    with pytest.raises(ValueError) as why:
        lab_tensors.parse_tensor(typed)
    (error,) = tensors.error
    assert shown(error.value) == str(why.value)
    assert not re.search(r"(?<!\\)[\[\]$*<`:]", error.value)  # every sign escaped


@pytest.mark.parametrize("M", ["[[4, 5, 6], [7, 8, 9]]", "[[1, 2], [3, 4]]", "1.5; 2.5"])
def test_tensor_page_suggests_an_N_that_changes_something(tensors, M):
    """Issue 9: with M = [[4, 5, 6], [7, 8, 9]] and N = [[1], [2]] the page said "Try
    N = [[1], [2]] to see it refuse": the N already set, which does not refuse."""
    tensors.text_input(key="M").set_value(M).run()
    (hint,) = [i.value for i in tensors.info if "Try N = " in i.value]
    suggested = re.search(r"Try N = `?(.+?)`? to see it refuse", hint).group(1)
    M_, N_, now = (lab_tensors.parse_tensor(t) for t in (M, suggested, "[[1], [2]]"))
    assert lab_tensors.broadcast(M_, now).result[0].shape == M_.shape  # as set: it fits
    assert N_.shape != now.shape or not torch.equal(N_, now)  # not the N already set
    minus, _, in_place = lab_tensors.subtract_three_ways(M_, N_)
    assert minus.error is None and in_place.error  # the suggestion does refuse
    assert f"`{list(minus.result.shape)}`" in hint
