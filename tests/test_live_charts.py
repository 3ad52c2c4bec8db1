"""A live chart's spec stays the same while it trains; only its data changes.

Streamlit's frontend builds a Vega view again when a chart's spec changes, and only swaps
the data when it does not. Building again at every redraw is what made a browser fall
seconds behind the server (and Stop seem not to work), so the spec of every chart on the
training pages must not depend on how far the run has got.
"""
import json

import pytest

from tests.pages import open_page, set_widget

PAGES = {  # page → the settings, and two lengths of training to compare
    "logistic": ({"logistic.dataset": "hours", "logistic.lr": 1.0}, (40, 3000)),
    "linear": ({}, (40, 400)),
    "softmax": ({"softmax.dataset": "iris3"}, (40, 200)),
}


def specs_after(page, settings, epochs):
    at = open_page(page)
    for key, value in settings.items():
        set_widget(at, key, value)
    at.run()
    set_widget(at, f"{page}.num_epochs", epochs)
    at.run()
    at.button(key=f"{page}.train").click().run()
    assert not at.exception
    return {json.loads(c.proto.spec)["title"]: json.loads(c.proto.spec)
            for c in at.get("vega_lite_chart")}


@pytest.mark.parametrize("page", PAGES)
def test_every_chart_keeps_its_spec_as_the_run_goes_on(page):
    settings, (short, long) = PAGES[page]
    early, late = specs_after(page, settings, short), specs_after(page, settings, long)
    live = [title for title in early if title != "Loss of the chosen runs"]
    assert len(live) >= 3
    for title in live:
        assert early[title] == late.get(title), f"the spec of {title!r} changed"
