"""The Logistic regression page in a real browser: train, watch, stop, continue, step, reset."""
import re
import time

import pytest

from tests.browser.helpers import (error_elements, screenshot, status, wait_idle,
                                   wait_until_done)
from ui.charts import MAX_DRAWN

pytestmark = pytest.mark.browser
STOP_ANSWER_LIMIT = 10.0  # seconds from the Stop click to a page at rest


def open_logistic(page, app_url, query):
    page.goto(f"{app_url}/logistic?{query}")
    page.locator(".st-key-logistic-train button").first.wait_for()  # content, not just idle
    wait_idle(page)


def click(page, name):
    page.locator(f".st-key-logistic-{name} button").first.click()


def epoch_now(page):
    return int(re.match(r"Epoch (\d+)", status(page)).group(1))


def curve_points(page, title):
    """Vertices of the longest line drawn in the Vega-Lite chart titled `title` (read from its SVG)."""
    chart = page.locator('[data-testid="stVegaLiteChart"]').filter(
        has=page.locator("text", has_text=title))
    paths = chart.first.locator("g.mark-line path").evaluate_all("ps => ps.map(p => p.getAttribute('d'))")
    return max((len(re.findall(r"[ML]", d or "")) for d in paths), default=0)


@pytest.mark.parametrize("dataset, batch", [("synthetic", 64), ("iris", 16), ("hours", 4),
                                            ("breast-cancer", 32)])
def test_training_streams_curves_and_the_bce_table(page, app_url, dataset, batch):
    open_logistic(page, app_url, f"dataset={dataset}&impl=both&lr=0.1&batch_size={batch}"
                                 f"&num_epochs=30&reduction=mean&standardize=true")
    click(page, "train")
    wait_until_done(page, 30)
    wait_idle(page)
    screenshot(page, f"logistic-{dataset}-trained")
    assert curve_points(page, "Loss (mean BCE per example)") >= 30
    assert curve_points(page, "Accuracy (threshold 0.5)") >= 30
    table = page.locator('[data-testid="stDataFrame"]').first
    table.wait_for(state="visible")
    assert page.get_by_text(re.compile(r"Mean over the batch")).count() == 1
    assert error_elements(page) == []
    assert page.js_errors == []


def test_stop_keeps_the_curves_and_train_continues_them(page, app_url, capsys):
    # C1 at ~1 ms an epoch: 100 000 epochs cannot finish before Stop, on any machine
    open_logistic(page, app_url, "dataset=hours&num_epochs=100000")
    click(page, "train")
    page.get_by_text(re.compile(r"training…")).first.wait_for()
    time.sleep(1.5)
    mid = curve_points(page, "Loss (mean BCE per example)")
    assert mid > 2, "the loss curve is not streaming while training"
    first_answer = stop_and_time(page)
    stopped_at = epoch_now(page)
    assert 0 < stopped_at < 100000 and "stopped" in status(page)
    screenshot(page, "logistic-stopped")
    time.sleep(1.0)
    assert epoch_now(page) == stopped_at  # really stopped
    # every epoch so far is on the curve, up to the points a chart draws at most
    assert curve_points(page, "Loss (mean BCE per example)") >= min(stopped_at, MAX_DRAWN)
    click(page, "train")  # continues the same run: the epochs go on from where they were
    wait_for_epoch(page, max(stopped_at + 500, 4000))
    second_answer = stop_and_time(page)
    assert epoch_now(page) > stopped_at and "stopped" in status(page)
    assert curve_points(page, "Loss (mean BCE per example)") >= MAX_DRAWN * 0.9
    fit = page.get_by_text(re.compile(r"x = −b/w = 2\.\d+"))
    assert fit.count() == 1, "C1 should cross P = 0.5 between 2 and 3 hours"
    with capsys.disabled():
        print(f"\n  Stop answered (page idle, status 'stopped') {first_answer:.2f} s and "
              f"{second_answer:.2f} s after the click")
    # The server stops within one redraw; what a user waits for is the browser working
    # through the redraws already sent. With every chart rebuilt at each redraw that was
    # 13-17 s here and over 30 s on CI; now it is about a second.
    assert max(first_answer, second_answer) < STOP_ANSWER_LIMIT


def stop_and_time(page):
    click(page, "stop")
    clicked = time.monotonic()
    wait_idle(page)
    return time.monotonic() - clicked


def wait_for_epoch(page, epoch, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if epoch_now(page) >= epoch:
            return
        time.sleep(0.2)
    raise AssertionError(f"training did not reach epoch {epoch}: {status(page)!r}")


def test_step_and_reset(page, app_url):
    open_logistic(page, app_url, "dataset=iris&batch_size=16&num_epochs=5")
    click(page, "step")
    wait_idle(page)
    assert status(page).startswith("Epoch 0 of 5, batch 1 of 5")
    click(page, "step")
    wait_idle(page)
    assert "batch 2 of 5" in status(page)
    click(page, "reset")
    wait_idle(page)
    assert status(page).startswith("Epoch 0 of 5 · ready")
    assert error_elements(page) == []
