"""The Softmax regression page in a real browser: train digits, see the weights and the matrix."""
import re

import pytest

from tests.browser.helpers import error_elements, screenshot, wait_idle, wait_until_done

pytestmark = pytest.mark.browser

DIGITS_TEST_SIZE = 450  # 1797 digits, a quarter of each class held out


def test_training_on_digits_draws_weight_images_and_the_confusion_matrix(page, app_url):
    page.goto(f"{app_url}/softmax?num_epochs=10")
    page.locator(".st-key-softmax-train button").first.wait_for()
    wait_idle(page)
    page.locator(".st-key-softmax-train button").first.click()
    wait_until_done(page, 10)
    wait_idle(page)
    screenshot(page, "softmax-digits-trained")

    weights = page.locator(".st-key-softmax-weights img")
    assert weights.count() == 10
    sizes = weights.evaluate_all("imgs => imgs.map(i => [i.complete, i.naturalWidth])")
    assert all(done and width >= 112 for done, width in sizes), sizes  # loaded, upscaled
    labels = page.locator(".st-key-softmax-weights h4").all_inner_texts()
    assert [t.strip() for t in labels] == [str(d) for d in range(10)]

    matrix = page.locator(".st-key-softmax-confusion")
    assert matrix.locator("g.mark-rect path").count() == 100
    counts = matrix.locator("g.mark-text.role-mark text").evaluate_all(
        "ts => ts.map(t => Number(t.textContent))")
    assert len(counts) == 100 and sum(counts) == DIGITS_TEST_SIZE
    diagonal = sum(counts[i * 10 + i] for i in range(10))
    assert diagonal / DIGITS_TEST_SIZE >= 0.9  # 10 epochs of the page's defaults learn digits

    assert page.get_by_text(re.compile(r"^Mean of −log p over")).count() == 1
    assert error_elements(page) == []
    assert page.js_errors == []
