"""The lessons page's parts: where the learner is, the prediction widgets, the buttons and
their keys, and a reveal drawn from a lab.lessons Result.

The session keeps where the learner is (`AT`), each prediction (`PREDICTIONS`), each
step's Result once revealed (`RESULTS`) and the prediction it was revealed against
(`COMMITTED`): a result is computed once, so changing the prediction afterwards changes
the comparison and never the result; the tally counts the committed prediction. The Lessons page also
keeps the place in its URL as lesson=2&step=3 (counted from 1), so a lecturer's link opens
that step. show_step draws one step for the Lessons page and for a training page's lesson
panel (ui.lesson_panel) alike: both read and write the same session state.
"""
import math

import pandas as pd
import streamlit as st

from lab.i18n import N_, _, words
from lab.lessons import LESSONS, Choice, Curves, Fit, Printed, Table
from lab.numbers import human
from lab.urlstate import lesson_from_params
from ui import charts, language, lecture
from ui.text import plain, quoted

AT, RESULTS, PREDICTIONS = "lessons.at", "lessons.results", "lessons.predictions"
COMMITTED = "lessons.committed"  # (lesson key, step) → the prediction Reveal was pressed on
URL, PROBLEMS, PICK = "lessons.url", "lessons.url_problems", "lessons.pick"
# Back, Reveal, Next: single letters as in ui.lecture.KEYS (R and C are Streamlit's own);
# N and B as in a slide deck's next and back, V for reveal.
KEYS = {"back": "B", "reveal": "V", "next": "N"}
ALL = tuple(range(len(LESSONS)))  # the Lessons page's scope: Back and Next go through all
PICK_COLOR = charts.SERIES[1]  # the learner's prediction, beside the run's answer
METRIC_CHARS = 10  # longer answers are written out: a metric's large type cuts them
YES, NO = N_("yes"), N_("no")  # close or not


def position():
    """(lesson index, step index) of the session, from 0."""
    return st.session_state.get(AT, (0, 0))


def adopt_link(notes):
    """Go where a link just opened says; report its bad values (as text) and drop them;
    then keep the URL in step with where the learner is."""
    url = st.query_params.to_dict()
    if url != st.session_state.get(URL):  # a link opened, not the URL this page wrote
        at, problems = lesson_from_params(url, [len(l.steps) for l in LESSONS], position())
        st.session_state[AT], st.session_state[PROBLEMS] = at, problems
    problems = st.session_state.get(PROBLEMS) or []
    if problems:
        notes.warning(_("The link you opened had values that are not valid here: {values}. "
                        "There are {n} lessons, each of a few steps, counted from 1 "
                        "(lesson=2&step=1); those values were left out.").format(
            values=", ".join(f"`{name}` = {quoted(value, 40)}" for name, value in problems),
            n=len(LESSONS)))


def write_link():
    lesson, step = position()
    params = {"lesson": str(lesson + 1), "step": str(step + 1)}
    if lecture.on():
        params[lecture.PARAM] = "1"
    params.update(language.link_params())  # lang=zh stays in the link
    if params != st.query_params.to_dict():
        st.query_params.from_dict(params)
    st.session_state[URL] = params


def picker(where):
    """The lesson to open, in the course's order."""
    st.session_state[PICK] = position()[0]
    # The labels in this run's language: a format_func called later (AppTest calls it
    # outside the script run) still gives the labels drawn
    labels = [f"{i + 1} · {lesson.experiment} · {_(lesson.title)}"
              for i, lesson in enumerate(LESSONS)]
    where.selectbox(_("Lesson"), range(len(LESSONS)), key=PICK, on_change=_picked, width=520,
                    format_func=labels.__getitem__)


def _picked():
    _go((st.session_state[PICK], 0))


def result_of(lesson, i):
    """The step's Result if it was revealed in this session, else None."""
    return st.session_state.get(RESULTS, {}).get((lesson.key, i))


def prediction_of(lesson, i):
    return st.session_state.get(PREDICTIONS, {}).get((lesson.key, i))


def committed_of(lesson, i):
    """The prediction the step was revealed against (None: not revealed)."""
    return st.session_state.get(COMMITTED, {}).get((lesson.key, i))


def buttons(where, at, scope=ALL, name="lessons", keys=True):
    """Back, Reveal, Next for the step `at` (keyed name.back, …), Back and Next within the
    lessons of `scope`; each on its key if `keys`."""
    lesson = LESSONS[at[0]]
    steps = [(i, j) for i in scope for j in range(len(LESSONS[i].steps))]
    here = steps.index(at)
    before = steps[here - 1] if here else None
    after = steps[here + 1] if here + 1 < len(steps) else None
    revealed = result_of(lesson, at[1]) is not None
    specs = [("back", _("Back"), "arrow_back", _go, (before,), before is None,
              _("The step before: your prediction and its reveal are kept.")),
             ("reveal", _("Reveal"), "visibility", _reveal, (at,),
              revealed or not _predicted(lesson, at[1], name),
              _("Run the real thing and compare it with your prediction.")),
             ("next", _("Next"), "arrow_forward", _go, (after,), after is None,
              _("The next step (or lesson)."))]
    for button, label, icon, on_click, args, disabled, tip in specs:
        where.button(label, icon=f":material/{icon}:", key=f"{name}.{button}",
                     on_click=on_click, args=args, disabled=disabled, help=tip,
                     shortcut=KEYS[button] if keys else None,
                     type="primary" if button == "reveal" else "secondary")


def _predicted(lesson, i, name):
    """Whether the learner has a prediction to commit: a slider always has one; a choice
    once picked (its widget's state is current even before the widget is drawn)."""
    return (not isinstance(lesson.steps[i].predict, Choice)
            or st.session_state.get(_widget_key(lesson, i, name)) is not None
            or prediction_of(lesson, i) is not None)


def _widget_key(lesson, i, name):
    """The prediction widget's key: one per place it is drawn (the Lessons page, a panel),
    each restored from PREDICTIONS when drawn again, so neither holds a stale value."""
    return f"{name}.predict.{lesson.key}.{i}"


def _go(at):
    st.session_state[AT] = at
    st.session_state[PROBLEMS] = []  # a link's bad values are told once, not at every step


def _reveal(at):
    """Run the step's real thing, once: its Result is kept for the session; the step
    revealed is where the learner is (a panel's reveal moves the Lessons page there too)."""
    lesson = LESSONS[at[0]]
    results = st.session_state.setdefault(RESULTS, {})
    if (lesson.key, at[1]) not in results:
        st.session_state.setdefault(COMMITTED, {})[(lesson.key, at[1])] = \
            prediction_of(lesson, at[1])
        results[(lesson.key, at[1])] = lesson.steps[at[1]].run()
    st.session_state[AT] = at


# -- one step, for the Lessons page and a training page's panel -------------------------

def show_step(at, scope=ALL, name="lessons", keys=True, buttons_here=True, intro=False,
              sized=lambda spec: spec, widths=(5, 6)):
    """The step `at`: the question, the prediction, Back · Reveal · Next (unless the page
    draws them elsewhere: buttons_here), then the comparison and why beside the reveal;
    the tally at the lesson's end. `name` keys the widgets, `sized` sizes a chart, and
    `widths` are the two columns' (the comparison's three metrics need ~100 px each)."""
    lesson_i, step_i = at
    lesson = LESSONS[lesson_i]
    step = lesson.steps[step_i]
    left, right = st.columns(widths, gap="large")
    with left:
        if intro:
            st.caption(_(lesson.intro))
        st.markdown(f"**{_(step.question)}**")
        prediction = predict(lesson, step_i, name)
        if buttons_here:
            buttons(st.container(horizontal=True), at, scope, name, keys)
        result = result_of(lesson, step_i)
        if result is not None and prediction is not None:
            comparison(step, prediction, step.read(result))
            first = committed_of(lesson, step_i)
            if first is not None and first != prediction:
                st.caption(_("Before the reveal you said {prediction}; the tally counts that "
                             "one.").format(prediction=plain(said(first, step.predict))))
            st.info(_(step.why), icon=":material/lightbulb:")
        elif result is None:
            st.caption(_("Commit to a prediction, then press **Reveal**."))
    with right:
        if result is not None and prediction is not None:
            reveal(step, prediction, result, sized)
    if result is not None and step_i == len(lesson.steps) - 1:
        tally(lesson)


# -- the prediction --------------------------------------------------------------

def predict(lesson, i, name="lessons"):
    """The widget the learner commits with; returns the prediction (None: none yet)."""
    step = lesson.steps[i]
    spec, key = step.predict, _widget_key(lesson, i, name)
    stored = prediction_of(lesson, i)
    if key not in st.session_state:  # a widget not drawn last run lost its state: restore it
        st.session_state[key] = stored if stored is not None or isinstance(spec, Choice) \
            else spec.start
    if isinstance(spec, Choice):
        if spec.table is not None:
            table = {name: [f"{v:g}" for v in values] for name, values in spec.table.items()}
            st.dataframe(pd.DataFrame(table, index=[_(o) for o in spec.options]),
                         width="content")
        # The options stay English (the run's answer is one of them); each is shown in
        # this run's language (a dict: the same labels whenever format_func is called)
        shown = {option: _(option) for option in spec.options}
        short = spec.table is not None or max(map(len, shown.values())) <= 8
        value = st.radio(_("Your prediction"), spec.options, key=language.translated(key),
                         index=None,
                         horizontal=short, format_func=shown.__getitem__)
    else:
        decimals = max(0, -math.floor(math.log10(spec.step) + 1e-9))
        label = (_("Your prediction ({unit})").format(unit=_(spec.unit)) if spec.unit
                 else _("Your prediction"))
        value = st.slider(label, spec.lo, spec.hi, step=spec.step, key=key,
                          format=f"%.{decimals}f")
    if value is not None:
        st.session_state.setdefault(PREDICTIONS, {})[(lesson.key, i)] = value
    return value


# -- the reveal --------------------------------------------------------------------

def said(value, spec):
    """A prediction or an answer as the page shows it."""
    if isinstance(value, tuple):
        return _(" or ").join(map(_, value)) if value else _("none")
    if isinstance(value, str):
        return _(value)
    unit = f" {_(spec.unit)}" if spec.unit else ""
    return _decimals(value, spec.digits) + unit


def _decimals(x, digits):
    """`digits` decimals where they say enough, else lab.numbers.human's short form."""
    return f"{x:.{digits}f}" if x == 0 or 10.0 ** -digits <= abs(x) < 1e6 else human(x)


def comparison(step, prediction, answer):
    """Your prediction, the run's answer, and how far apart: three metrics."""
    near = step.close(prediction, answer)
    yours, run = said(prediction, step.predict), said(answer, step.predict)
    if max(len(yours), len(run)) > METRIC_CHARS:  # a sentence: a metric would cut it
        st.markdown("  \n".join(f"{label} — **{plain(value, 200)}**" for label, value in (
            (_("Your prediction"), yours), (_("The run's answer"), run),
            (_("Close?"), _(YES) if near else _(NO)))))
        return near
    places = st.columns(3)
    places[0].metric(_("Your prediction"), yours)
    places[1].metric(_("The run's answer"), run)
    off = None
    if not isinstance(step.predict, Choice):
        off = _("off by {difference}").format(
            difference=_decimals(abs(prediction - answer), step.predict.digits))
    places[2].metric(_("Close?"), _(YES) if near else _(NO), delta=off, delta_color="off",
                     delta_arrow="off")
    return near


def reveal(step, prediction, result, sized=lambda spec: spec):
    """The Result's figure (your prediction marked where it can be), and its numbers."""
    figure = result.figure
    if isinstance(figure, Fit):
        st.vega_lite_chart(sized(fit_spec(figure, prediction)), width="stretch")
    elif isinstance(figure, Curves):
        st.vega_lite_chart(sized(curves_spec(figure, prediction)), width="stretch")
    elif isinstance(figure, Table):
        columns = {_(name): values for name, values in figure.columns.items()}
        index = [_(words(r)) for r in figure.index]
        frame = pd.DataFrame(columns, index=pd.Index(index, name=_(figure.index_name)))
        frame = frame.map(lambda v: str(v) if isinstance(v, int) else human(v))  # counts whole
        if prediction in figure.index:  # the option (English) the learner picked
            frame.insert(0, _("your pick"), ["←" if r == prediction else ""
                                             for r in figure.index])
        st.dataframe(frame, width="content")
    elif isinstance(figure, Printed):
        st.code("\n".join(f">>> {code}\n{out}" for code, out in figure.lines), language=None,
                wrap_lines=True)
    st.markdown(plain(result.detail, limit=2000))


def fit_spec(fig, prediction):
    """The fitted curve and the data; the answer and the prediction as rules on its axis."""
    marks = pd.DataFrame({"v": [fig.answer, float(prediction)],
                          "who": [_("the run: {value}").format(value=human(fig.answer, 2)),
                                  _("your prediction: {value}").format(
                                      value=human(prediction, 2))]})
    channel = "x" if fig.axis == "x" else "y"
    colors = {"domain": list(marks["who"]), "range": [charts.MODEL, PICK_COLOR]}
    layers = [
        {"data": {"name": "curve"}, "mark": {"type": "line", "strokeWidth": 3,
                                              "color": charts.MODEL},
         "encoding": {"x": {"field": "x", "type": "quantitative"},
                      "y": {"field": "y", "type": "quantitative"}}},
        {"data": {"name": "points"}, "mark": {"type": "point", "filled": True, "size": 120,
                                               "color": charts.INK},
         "encoding": {"x": {"field": "x", "type": "quantitative"},
                      "y": {"field": "y", "type": "quantitative"}}},
        {"data": {"name": "marks"}, "mark": {"type": "rule", "strokeWidth": 3,
                                              "strokeDash": [8, 5]},
         "encoding": {channel: {"field": "v", "type": "quantitative"},
                      "color": {"field": "who", "type": "nominal", "scale": colors,
                                "title": None}}},
    ]
    if fig.axis == "x":  # the ½ line the crossing is read on
        layers.append({"data": {"values": [{}]},  # one row: a layer without data draws none
                       "mark": {"type": "rule", "color": charts.MUTED, "strokeWidth": 2},
                       "encoding": {"y": {"datum": 0.5, "type": "quantitative"}}})
    datasets = {"curve": pd.DataFrame({"x": fig.x, "y": fig.y}),
                "points": pd.DataFrame({"x": fig.data_x, "y": fig.data_y}), "marks": marks}
    title = (_("Where P(pass) crosses ½") if fig.axis == "x"
             else _("The fitted line at x = {x}").format(x=f"{fig.at:g}"))
    y_domain = [-0.05, 1.05] if fig.axis == "x" else None  # a probability, points at 0 and 1
    return charts.drawable(charts.spec(title, layers, datasets, _(fig.x_title), _(fig.y_title),
                                       y_domain=y_domain))


def curves_spec(fig, prediction):
    """The runs' curves overlaid, the one the learner picked named so in the legend."""
    rows = []
    for name, (xs, ys) in fig.series.items():
        label = _("{name} (your pick)").format(name=_(name)) if name == prediction else _(name)
        keep = charts.drawn(len(xs))
        rows += [(xs[i], ys[i], label) for i in keep
                 if ys[i] is not None and math.isfinite(ys[i]) and (ys[i] > 0 or not fig.log_y)]
    data = pd.DataFrame(rows, columns=["x", "value", "run"])
    scale = {"type": "log"} if fig.log_y else {"zero": False}
    line = {"data": {"name": "curves"}, "mark": {"type": "line", "strokeWidth": 3},
            "encoding": {"x": {"field": "x", "type": "quantitative"},
                         "y": {"field": "value", "type": "quantitative", "scale": scale},
                         "color": {"field": "run", "type": "nominal", "title": None,
                                   "sort": None}}}
    y_title = _(fig.y_title)
    return charts.spec(y_title[:1].upper() + y_title[1:], [line], {"curves": data},
                       _(fig.x_title), y_title)


# -- the tally ----------------------------------------------------------------------

def tally(lesson):
    """The lesson's predictions (as committed at Reveal) beside the runs' answers, and how
    many were close: for the learner to see, not a mark."""
    rows, close, revealed = [], 0, 0
    for i, step in enumerate(lesson.steps):
        result, prediction = result_of(lesson, i), committed_of(lesson, i)
        if result is None or prediction is None:
            rows.append((i + 1, said(prediction, step.predict) if prediction is not None
                         else "—", _("not revealed"), "—"))
            continue
        answer = step.read(result)
        near = step.close(prediction, answer)
        close += near
        revealed += 1
        rows.append((i + 1, said(prediction, step.predict), said(answer, step.predict),
                     _(YES) if near else _(NO)))
    everywhere = session_tally()
    st.subheader(_("Your predictions in this lesson"))
    st.markdown(_("Close on **{close} of {revealed}** revealed predictions in this lesson, "
                  "**{close_all} of {revealed_all}** in this session. Not a mark: a "
                  "prediction that missed is the one that teaches the most.").format(
        close=close, revealed=revealed, close_all=everywhere[0], revealed_all=everywhere[1]))
    st.dataframe(pd.DataFrame(rows, columns=[_("step"), _("your prediction at Reveal"),
                                             _("the run's answer"),
                                             _("close")]).set_index(_("step")), width="content")


def session_tally():
    """(close, revealed) over every step revealed in this session, as committed."""
    close = revealed = 0
    for lesson in LESSONS:
        for i, step in enumerate(lesson.steps):
            result, prediction = result_of(lesson, i), committed_of(lesson, i)
            if result is not None and prediction is not None:
                revealed += 1
                close += step.close(prediction, step.read(result))
    return close, revealed
