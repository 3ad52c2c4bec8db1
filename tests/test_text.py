"""User text shown as text: ui.text escapes Markdown and keeps long names apart."""
import re

import pytest
import torch

from tests.pages import shown
from ui.softmax_figures import confusion
from ui.text import plain, short_labels

HOSTILE = [
    "[Click to log in](https://evil.example/)", "![x](https://evil.example/t.png)",
    r"$\Huge\text{HACKED}$", "**bold** _it_ `code`", "<b>x</b>", ":red[alarm] :smile:",
    "# heading", "1. list", "https://evil.example/bare", "www.evil.example", "a@b.co",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_plain_text_reads_the_same_and_carries_no_markup(text):
    escaped = plain(text)
    assert shown(escaped) == text  # what the reader sees is what was typed
    assert not re.search(r"(?<!\\)[\[\]()!$*_`<>:#]", escaped)  # every sign escaped
    for markup in ("https://", "www.", "a@b"):  # autolinks: broken by a word joiner
        assert markup not in escaped


def test_plain_text_is_one_bounded_line():
    escaped = plain("line one\nline two\r\x00" + "x" * 500)
    assert "\n" not in escaped and "\x00" not in escaped
    assert len(shown(escaped)) == 80 and shown(escaped).endswith("…")


def test_twenty_long_class_names_stay_twenty_labels():
    names = [f"a very long class name that goes on, number {i}" for i in range(20)]
    labels = short_labels(names)
    assert len(set(labels)) == 20 and all(len(label) <= 22 for label in labels)
    spec = confusion(torch.eye(20, dtype=torch.int64), names, "t")
    assert len(set(spec["datasets"]["cells"]["true"])) == 20


def test_names_the_same_once_cut_get_their_class_number():
    labels = short_labels(["x" * 30 + "a" + "y" * 30, "x" * 30 + "b" + "y" * 30])
    assert labels[0].startswith("0: ") and labels[1].startswith("1: ")


@pytest.mark.parametrize("text", [":smile:", ":material/home:", ":+1:", "1. my data.csv"])
def test_shortcodes_and_a_leading_number_are_not_markup(text):
    """Streamlit replaces emoji shortcodes after parsing (a backslash does not stop it),
    and "1. x" at the start of a caption is a list: both must read as typed."""
    escaped = plain(text)
    assert shown(escaped) == text
    assert not re.search(r":[\w+-]", escaped) and not re.match(r"\d+\.", escaped)
