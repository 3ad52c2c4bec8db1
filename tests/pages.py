"""What the page tests share: open a page in AppTest, read its panel, its charts, its widgets."""
import json
import re
from pathlib import Path

import pyarrow as pa
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def open_page(page):
    """A fresh session (AppTest) showing views/<page>.py after the home page."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page(f"views/{page}.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def open_link(page, params):
    """A fresh session that opens views/<page>.py from a link with these parameters."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    for name, value in params.items():
        at.query_params[name] = value
    at.switch_page(f"views/{page}.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def chart_data(at, title):
    """The named datasets (as DataFrames) of the Vega-Lite chart with this title."""
    for chart in at.get("vega_lite_chart"):
        if json.loads(chart.proto.spec).get("title") == title:
            return {d.name: pa.ipc.open_stream(d.data.data).read_all().to_pandas()
                    for d in chart.proto.datasets}
    raise AssertionError(f"no chart titled {title!r}")


def set_widget(at, key, value):
    """Set the widget with this key in the main area, whatever its kind."""
    widget = next(w for w in at.main if getattr(w, "key", None) == key)
    widget.set_value(value)


def shown(markdown):
    """The text a reader sees in Markdown that ui.text.plain escaped: the escapes removed."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "")


def errors(at):
    """Every error box's text, as the reader sees it."""
    return " ".join(shown(e.value) for e in at.error)
