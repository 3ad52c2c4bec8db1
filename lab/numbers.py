"""Numbers between the lab and a student: shown short and honest, read back as typed.

`human` is how every page shows a number; `parse_number` reads one typed into a box
or a table cell, and says why when it is not one (the page quotes what was typed).
"""
import math
import re
import unicodedata

BIG = 1e6  # from here on fixed decimals are too long to read at a glance
NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")  # 2, -0.5, .5, 1e-50


def human(x, digits=4):
    """x as text: `digits` decimals when ordinary, 3 significant digits in e-notation when
    huge or tiny (-2.2e+33, 1.5e-07), and "inf", "-inf" or "nan" said plainly."""
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == 0 or 10.0 ** (2 - digits) <= abs(x) < BIG:  # fixed keeps 3 significant digits
        return f"{x + 0.0:.{digits}f}"  # + 0.0: -0.0 is shown as 0
    mantissa, exponent = f"{x:.2e}".split("e")
    return f"{mantissa.rstrip('0').rstrip('.')}e{exponent}"  # -2.20e+33 → -2.2e+33


def parse_number(text):
    """The number typed as `text`, or ValueError saying why it is not one.

    Accepts what a student types: full-width digits (an input method's "０.５"), the
    minus sign "−" copied from a page; not Python's extras ("1_000", "nan", "inf").
    """
    typed = unicodedata.normalize("NFKC", text if isinstance(text, str) else "")
    typed = typed.replace("−", "-").strip()
    if not typed:
        raise ValueError("empty")
    if not NUMBER.fullmatch(typed):
        hint = "; the decimal point is a dot (0.5)" if "," in typed else ""
        raise ValueError(f"not a number{hint}")
    return float(typed)

