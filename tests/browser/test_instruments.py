"""Step-through and runs in a real browser, on the three training pages.

Step one batch and read the four stages off the page, numbers included; train two runs and
see both in the overlay's legend; download a run's script and check that it compiles.
"""
import re

import pytest

from tests.browser.helpers import done, error_elements, screenshot, wait_idle

pytestmark = pytest.mark.browser

NUMBER = r"−?-?\d+\.\d+"
PAGES = {  # page → a link's settings: small and quick
    "logistic": "dataset=iris&impl=manual&batch_size=16&lr=0.1&num_epochs=5&reduction=mean"
                "&standardize=true",
    "softmax": "dataset=iris3&impl=manual&batch_size=16&lr=0.1&num_epochs=5&standardize=true",
    "linear": "impl=manual&num_epochs=40",
}


def open_at(page, app_url, name, query):
    page.set_viewport_size({"width": 1400, "height": 3200})  # the whole page, no scrolling
    page.goto(f"{app_url}/{name}?{query}")
    page.locator(f".st-key-{name}-train button").first.wait_for()
    wait_idle(page)


def click(page, name, button):
    page.locator(f".st-key-{name}-{button} button").first.click()
    wait_idle(page)


def tab(page, label):
    """Open the tab `label` of the step-through; return its panel."""
    page.get_by_role("tab", name=label).click()
    panel = page.get_by_role("tabpanel").filter(visible=True)
    panel.first.wait_for()
    return panel.first


def wait_until_done(page, epochs, timeout=120):
    page.get_by_text(re.compile(done(epochs))).first.wait_for(
        timeout=timeout * 1000)
    wait_idle(page)


@pytest.mark.parametrize("name", list(PAGES))
def test_a_step_shows_the_four_stages_with_numbers(page, app_url, name):
    open_at(page, app_url, name, PAGES[name])
    assert page.get_by_text("Press Step to train one mini-batch").count() == 1
    click(page, name, "step")
    one_batch = r"^Epoch (0 of \d+, batch 1 of|1 (of \d+ )?· stopped)"  # full batch: an epoch
    assert page.get_by_text(re.compile(one_batch)).count() == 1

    forward = tab(page, "1 · forward")
    assert forward.locator('[data-testid="stDataFrame"]').count() == 1
    assert "before** this update" not in forward.inner_text()  # markdown rendered
    assert "parameters before this update" in forward.inner_text()

    loss = tab(page, "2 · loss")
    batch_loss = loss.locator('[data-testid="stMetricValue"]').inner_text()
    assert float(batch_loss) > 0

    backward = tab(page, "3 · backward")
    assert backward.locator(".katex").count() >= 1  # the hand-derived formula
    gap = re.search(r"relative to the gradient's size: (\S+)", backward.inner_text()).group(1)
    assert float(gap) < 1e-3, "autograd, formula and finite differences disagree"
    screenshot(page, f"{name}-step-backward")

    update = tab(page, "4 · update")
    lines = update.locator("pre code").inner_text().splitlines()
    first = re.fullmatch(rf"weight\[0\] = ({NUMBER}) − ([\d.e-]+) × \(?({NUMBER})\)? = ({NUMBER})",
                         lines[0])
    assert first, lines[0]
    before, lr, grad, after = (float(g.replace("−", "-")) for g in first.groups())
    assert after == pytest.approx(before - lr * grad, abs=2e-6)  # the numbers add up
    screenshot(page, f"{name}-step-update")
    assert error_elements(page) == [] and page.js_errors == []


@pytest.mark.parametrize("name", list(PAGES))
def test_two_runs_are_overlaid_and_a_script_downloads(page, app_url, name):
    open_at(page, app_url, name, PAGES[name])
    epochs = int(re.search(r"num_epochs=(\d+)", PAGES[name]).group(1))
    click(page, name, "train")
    wait_until_done(page, epochs)
    # a second run with the other implementation: the settings changed, so Train starts anew
    page.locator(f".st-key-{name}-impl").get_by_role("radio", name="torch.nn", exact=True).click()
    wait_idle(page)
    click(page, name, "train")
    wait_until_done(page, epochs)

    chart = page.locator('[data-testid="stVegaLiteChart"]').filter(
        has=page.locator("text", has_text="Loss of the chosen runs"))
    chart.wait_for()
    legend = " ".join(chart.locator("g.role-legend text").evaluate_all(
        "ts => ts.map(t => t.textContent)"))  # SVG text has no innerText
    assert " · manual · " in legend and " · nn · " in legend, legend  # both runs, by name
    assert chart.locator("g.mark-line path").count() >= 2
    screenshot(page, f"{name}-runs-overlaid")

    with page.expect_download() as download:
        page.locator(f".st-key-{name}-dl_py button").first.click()
    script = open(download.value.path(), encoding="utf-8").read()
    compile(script, "run.py", "exec")
    assert "# 4. Training cycle" in script and f"NUM_EPOCHS = {epochs}" in script
    assert error_elements(page) == [] and page.js_errors == []
