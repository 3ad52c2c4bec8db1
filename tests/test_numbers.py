"""lab.numbers: how a number is shown to a student, and read back from what was typed."""
import math
import re

import pytest
import torch

from lab.numbers import human, parse_number


@pytest.mark.parametrize(("x", "shown"), [
    (2.0, "2.0000"),
    (-0.4999, "-0.4999"),
    (7.99936, "7.9994"),
    (0.0123, "0.0123"),
    (123456.78, "123456.7800"),
    (0.0, "0.0000"),
    (-0.0, "0.0000"),
    (-2.2e33, "-2.2e+33"),               # the example
    (-6_000_000_000.0, "-6e+09"),
    (34189916598066741248.0, "3.42e+19"),
    (1e6, "1e+06"),
    (1.5e-7, "1.5e-07"),
    (-0.00123, "-1.23e-03"),
    (3.4028234663852886e38, "3.4e+38"),  # float32's largest
    (math.inf, "inf"),
    (-math.inf, "-inf"),
    (math.nan, "nan"),
])
def test_human(x, shown):
    assert human(x) == shown


def test_human_takes_tensors_and_other_digits():
    assert human(torch.tensor(8.0)) == "8.0000"
    assert human(torch.tensor(float("nan"))) == "nan"
    assert human(0.123456, digits=6) == "0.123456"
    assert human(0.000123, digits=6) == "0.000123"  # 6 decimals still hold 3 digits


@pytest.mark.parametrize("x", [1e-300, 0.0099, 0.01, 1.0, 999_999.0, 1e6, 1e38, 1.7e308])
def test_human_stays_short_and_reads_back_to_three_digits(x):
    for sign in (1, -1):
        shown = human(sign * x)
        assert len(shown) <= 14, shown
        assert float(shown) == pytest.approx(sign * x, rel=5e-3)


@pytest.mark.parametrize(("text", "value"), [
    ("0.5", 0.5), (" 1 ", 1.0), ("1e-50", 1e-50), ("-2", -2.0), ("+.5", 0.5), ("3.", 3.0),
    ("1E3", 1000.0), ("−0.25", -0.25), ("０.５", 0.5),  # the minus sign, full-width digits
])
def test_parse_number_reads_what_a_student_types(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize(("text", "why"), [
    ("", "empty"), ("   ", "empty"), (None, "empty"), (math.nan, "empty"),
    ("abc", "not a number"), ("0,5", "the decimal point is a dot (0.5)"), ("1_000", "not a number"),
    ("nan", "not a number"), ("inf", "not a number"), ("1e", "not a number"),
    ("2 3", "not a number"), ("$1$", "not a number"),
])
def test_parse_number_says_why_not(text, why):
    with pytest.raises(ValueError, match=re.escape(why)):
        parse_number(text)

