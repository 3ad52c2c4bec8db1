"""Settings ⇄ URL query parameters: what a shared link carries, parsed with care.

Nothing from a URL is evaluated: each value is parsed as the type its setting
has and checked against the allowed choices; a bad one is reported and dropped.
"""
import math

from lab.config import IMPLS, MAX_EPOCHS, MAX_SEED, REDUCTIONS
from lab.models.params import INITS

SHARED = ("dataset", "impl", "lr", "batch_size", "num_epochs", "seed", "init",
          "reduction", "standardize")
LINK_FLAGS = {"true": True, "false": False, "1": True, "0": False}  # a yes/no in a link


def to_params(config, defaults):
    """The settings that differ from the page's defaults, as strings for the URL."""
    params = {}
    for name in SHARED:
        value = getattr(config, name)
        if value != getattr(defaults, name):
            params[name] = _text(value)
    return params


def all_params(config):
    """Every shared setting as URL text: a preset link names them all, so it does not
    depend on the defaults of the page it opens."""
    return {name: _text(getattr(config, name)) for name in SHARED}


def _text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return f"{value:g}" if isinstance(value, float) else str(value)


def from_params(params, datasets, learning_rates, batch_sizes):
    """(settings, problems): the valid settings in `params`, and (name, value) of each bad one."""
    parsers = {
        "dataset": lambda v: _choice(v, datasets),
        "impl": lambda v: _choice(v, IMPLS),
        "lr": lambda v: _nearest(float(v), learning_rates, log=True),
        "batch_size": lambda v: _nearest(int(v), batch_sizes),
        "num_epochs": lambda v: _bounded(int(v), 1, MAX_EPOCHS),
        "seed": lambda v: _bounded(int(v), 0, MAX_SEED),
        "init": lambda v: _choice(v, INITS),
        "reduction": lambda v: _choice(v, REDUCTIONS),
        "standardize": lambda v: LINK_FLAGS[v.lower()],
        "lecture": lambda v: LINK_FLAGS[v.lower()],  # the page's layout (ui.lecture), not a setting
    }
    settings, problems = {}, []
    for name, parse in parsers.items():
        if name not in params:
            continue
        raw = params[name]
        try:
            settings[name] = parse(raw)
        except (ValueError, KeyError, OverflowError):
            problems.append((name, raw))  # the page shows it as text
    return settings, problems


def _choice(value, choices):
    if value not in choices:
        raise ValueError(value)
    return value


def _bounded(value, lo, hi):
    if not lo <= value <= hi:
        raise ValueError(value)
    return value


def _nearest(value, options, log=False):
    """The option closest to `value` (on a log scale for learning rates)."""
    if not math.isfinite(value) or value <= 0:
        raise ValueError(value)
    key = (lambda o: abs(math.log(o) - math.log(value))) if log else (lambda o: abs(o - value))
    return min(options, key=key)


def lesson_from_params(params, steps_per_lesson, current=(0, 0)):
    """((lesson, step), problems): where a link opens the lessons, as 0-based indices.

    The link counts from 1 (`lesson=2&step=3`: step 3 of lesson 2). `steps_per_lesson`
    holds each lesson's number of steps; `current` is kept for what the link does not
    name or names badly. A step without a lesson is a step of the current lesson; a step
    of a lesson that is not valid is dropped with it. Each bad value is (name, value) in
    `problems`, and dropped; a step out of its lesson's range is named with that range
    ("step (lesson 2 has 2 steps)"), so the page can say what would have been valid.
    """
    lesson, step = current
    problems = []
    raw, raw_step = params.get("lesson"), params.get("step")
    if raw is not None:
        try:
            lesson = _bounded(int(raw), 1, len(steps_per_lesson)) - 1
            step = 0
        except ValueError:
            problems.append(("lesson", raw))
            if raw_step is not None:  # a step of no valid lesson: not one of the current's
                problems.append(("step", raw_step))
                raw_step = None
    if raw_step is not None:
        count = steps_per_lesson[lesson]
        try:
            step = _bounded(int(raw_step), 1, count) - 1
        except ValueError:
            problems.append((f"step (lesson {lesson + 1} has {count} "
                             f"step{'s' if count != 1 else ''})", raw_step))
    raw = params.get("lecture")
    if raw is not None and raw.lower() not in LINK_FLAGS:
        problems.append(("lecture", raw))
    return (lesson, step), problems
