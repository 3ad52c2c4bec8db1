"""Paths only a browser shows: presets opened from Home (issue 9).

1. A preset opened from Home has live Train/Stop/Step/Reset buttons within a few seconds,
   not grey placeholders until its run ends.
2. C1 → Home → C2 → Home → C3 in one tab: each preset trains its own run to its own
   epochs; the status never shows the previous preset's run.
3. Stop during a preset started from Home stops it within a couple of seconds, keeps the
   curves, and Train continues the same run.

Every test also checks that no error box is on the page and that the server logged no
traceback while it ran.
"""
import re
import time
from urllib.parse import urlencode

import pytest

import tests.browser.conftest as harness
from tests.browser.helpers import error_elements, open_page, screenshot, wait_idle
from tests.browser.test_logistic import curve_points
from ui.charts import MAX_DRAWN
from ui.presets import PRESETS

pytestmark = pytest.mark.browser

PRESET = {p.key: p for p in PRESETS}
# A lecture hall: a laptop slower than this box's Chromium, on a network with some latency
# (DevTools' "mid-tier mobile" CPU, a "slow 4G"-like round trip, for the requests made after
# Home is drawn: the code of the page's widgets and charts). Unthrottled, on a quiet box,
# this box's Chromium often draws the buttons in time even without a fix.
CLIENT_SLOWDOWN = 4
CHUNK_LATENCY_MS = 500
# So slowed, the buttons were live 4-6 s after the click with the fix in place (issue 9's
# direct link: ~3 s on a fast client); without it, at the end of the run or never.
BUTTONS_LIVE_LIMIT = 10.0  # seconds from the click on the preset link
STOP_STATUS_LIMIT = 3.0    # seconds from the Stop click to a status that says stopped
RUN_TIMEOUT = 120.0        # seconds for a preset's whole run, on a busy box
LOG_PROBLEMS = re.compile(r"Uncaught app execution|Traceback|Error|Exception")
# "Epoch 3 of 20 · training…", "Epoch 0 of 5, batch 1 of 5 · stopped",
# "Epoch 1000 · stopped (Train: 1000 more epochs)", "Epoch 12 · stopped: diverged"
STATUS = re.compile(r"^Epoch (\d+)(?: of (\d+))?(?:, batch \d+ of \d+)? · (ready|training…|stopped)")
BUTTONS = ("train", "stop", "step", "reset")

# Records, from the click on a preset link (window.__lab.t0), when the page's four buttons
# are first real, enabled, current buttons (not the grey placeholders shown while their
# code loads, not stale), and each status line the page shows. A MutationObserver: the
# test does not poll the page while it trains.
OBSERVER = """
window.__lab = {t0: null, buttonsLive: null, statuses: []};
new MutationObserver(() => {
  const lab = window.__lab;
  if (lab.t0 === null) return;
  const now = performance.now() - lab.t0;
  if (lab.buttonsLive === null && %s.every(name => {
        const b = document.querySelector(`.st-key-logistic-${name} button`);
        return b && !b.disabled && b.closest('[data-stale="false"]');
      })) lab.buttonsLive = now;
  const status = [...document.querySelectorAll('[data-testid="stMarkdownContainer"] p')]
    .map(p => p.innerText).find(t => /^Epoch \\d+.* · /.test(t));
  const last = lab.statuses[lab.statuses.length - 1];
  if (status && (!last || last[0] !== status)) lab.statuses.push([status, now]);
}).observe(document, {subtree: true, childList: true, characterData: true, attributes: true});
""" % list(BUTTONS)


# -- reading the page -----------------------------------------------------------------

def read_status(page):
    """(epoch, of, state, text) of the training panel's status line; None if not shown."""
    loc = page.get_by_text(re.compile(r"^Epoch \d+.* · "))  # the line, not its bold "Epoch 3"
    if not loc.count():
        return None
    text = loc.first.inner_text()
    m = STATUS.match(text)
    assert m, f"a status line that says neither ready, training… nor stopped: {text!r}"
    return int(m.group(1)), m.group(2) and int(m.group(2)), m.group(3), text


def assert_no_errors(page, where):
    errors = error_elements(page)
    crashed = page.get_by_text("This app has encountered an error").count()
    assert not errors and not crashed, f"{where}: error on the page: {errors}"
    assert page.js_errors == [], f"{where}: JavaScript errors: {page.js_errors}"


class ServerLog:
    """The lines the server logs from now on (the server is shared by the whole session)."""

    def __init__(self):
        self.path = harness._server_log
        assert self.path is not None, "the app_url fixture did not record its server log"
        self.offset = self.path.stat().st_size

    def new_problems(self):
        with open(self.path, errors="replace") as f:
            f.seek(self.offset)
            text = f.read()
        return [line for line in text.splitlines() if LOG_PROBLEMS.search(line)]

    def assert_clean(self, where):
        problems = self.new_problems()
        assert not problems, f"{where}: the server logged:\n" + "\n".join(problems[:20])


def wait_for_run_end(page, epochs, timeout=RUN_TIMEOUT):
    """Wait until the status says `epochs` epochs are done and stopped, and the page is idle.

    Fails at once on an error box, or if the status ever shows more epochs than `epochs`
    (another run's) or an "of N" other than `epochs`. Returns the statuses seen.
    """
    seen, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = read_status(page)
        if status and (not seen or seen[-1] != status[3]):
            seen.append(status[3])
        assert_no_errors(page, f"waiting for {epochs} epochs (statuses seen: {seen})")
        if status:
            epoch, of, state, text = status
            assert epoch <= epochs and of in (None, epochs), \
                f"the status shows a run other than this {epochs}-epoch one: {seen}"
            if epoch == epochs and state == "stopped":
                wait_idle(page)
                return seen
        time.sleep(0.2)
    raise AssertionError(f"the run did not reach {epochs} epochs in {timeout:.0f} s; "
                         f"statuses seen: {seen}")


# -- moving around --------------------------------------------------------------------

def preset_link(page, key):
    """The "Open and train" link of preset `key` on Home (its href carries every setting)."""
    query = urlencode(PRESET[key].query_params())
    link = page.locator(f'a[href*="?{query}"]')
    assert link.count() == 1, f"Home has {link.count()} links to preset {key} ({query})"
    return link


def go_home(page):
    """Home through the sidebar navigation, as a lecturer would, in the same session."""
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text="Home").first.click()
    page.get_by_text("The course's experiments, one click each").wait_for()
    wait_idle(page)


def open_preset(page, key):
    """Click preset `key` on Home; window.__lab.t0 marks the click."""
    link = preset_link(page, key)
    page.evaluate("() => { window.__lab.t0 = performance.now(); }")
    link.click()


def home_with_observer(page, app_url, slow=True):
    """Home, recording what OBSERVER sees; `slow`: then a lecture hall's browser."""
    page.context.add_init_script(OBSERVER)
    page.cdp = page.context.new_cdp_session(page)
    open_page(page, app_url, "/")
    page.get_by_text("The course's experiments, one click each").wait_for()
    wait_idle(page)
    if slow:
        page.cdp.send("Emulation.setCPUThrottlingRate", {"rate": CLIENT_SLOWDOWN})
        page.cdp.send("Network.enable")
        page.cdp.send("Network.emulateNetworkConditions", {
            "offline": False, "latency": CHUNK_LATENCY_MS,
            "downloadThroughput": -1, "uploadThroughput": -1})


def full_speed(page):
    page.cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
    page.cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})


def buttons_live(page, timeout):
    """(seconds from the click until the four buttons were live, the highest epoch the
    status had shown by then, the statuses so far as (text, seconds)); the first is None
    if they were not live within `timeout` seconds of the click."""
    deadline = time.monotonic() + timeout
    while True:
        lab = page.evaluate("window.__lab")
        if lab["buttonsLive"] is not None or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    live = lab["buttonsLive"] and round(lab["buttonsLive"] / 1000, 2)
    statuses = [(text, round(t / 1000, 2)) for text, t in lab["statuses"]]
    shown = [int(STATUS.match(text).group(1)) for text, t in statuses
             if live is None or t <= live]
    return live, max(shown, default=0), statuses


def click(page, name):
    page.locator(f".st-key-logistic-{name} button").first.click()


# -- 1: buttons live soon after a preset is opened from Home ----------------------------

def test_a_preset_opened_from_home_has_live_buttons_within_seconds(page, app_url, capsys):
    log = ServerLog()
    home_with_observer(page, app_url)
    open_preset(page, "C1-notes")
    for second in (1, 3, 6):  # look at these: grey placeholders or buttons?
        page.wait_for_timeout(max(0, second * 1000 - page.evaluate(
            "performance.now() - window.__lab.t0")))
        screenshot(page, f"paths-preset-from-home-{second}s", full_page=False)
    wait_for_run_end(page, 10000)
    live, shown, statuses = buttons_live(page, 0)
    with capsys.disabled():
        print(f"\n  C1-notes from Home: buttons live {live} s after the click, "
              f"the status then at epoch {shown} of 10000")
    # Live soon, and while the run has most of its way to go: the lecturer can stop it.
    assert live is not None and live <= BUTTONS_LIVE_LIMIT and shown <= 1000, (
        f"Train/Stop/Step/Reset were live {live} s after the click on the preset "
        f"(limit {BUTTONS_LIVE_LIMIT} s, before epoch 1000 of 10000); "
        f"statuses (text, s after the click): {statuses}")
    assert_no_errors(page, "C1-notes from Home")
    log.assert_clean("C1-notes from Home")


# -- 2: C1 → Home → C2 → Home → C3 in one tab ---------------------------------------------

def test_presets_one_after_another_in_one_tab(page, app_url):
    log = ServerLog()
    home_with_observer(page, app_url, slow=False)
    # C1 as in the slides: 1000 epochs, P(pass) = 0.5 at 2.42 h
    open_preset(page, "C1-slides")
    wait_for_run_end(page, 1000)
    assert page.get_by_text(re.compile(r"x = −b/w = 2\.4\d")).count() == 1, \
        "C1 (slides) should cross P = 0.5 at 2.42 h"
    screenshot(page, "paths-chain-1-C1")
    log.assert_clean("C1-slides")
    # C2, iris by hand: its own 500 epochs, never C1's 1000 ("Epoch 1000 of 500")
    go_home(page)
    open_preset(page, "C2")
    wait_for_run_end(page, 500)  # from the first status on, C2's run, trained to its end
    screenshot(page, "paths-chain-2-C2")
    log.assert_clean("C2 after C1")
    # C3 with torch.nn: 100 epochs of synthetic 2-D data
    go_home(page)
    open_preset(page, "C3-nn")
    wait_for_run_end(page, 100)
    screenshot(page, "paths-chain-3-C3-nn")
    assert_no_errors(page, "C3-nn after C2")
    log.assert_clean("C3-nn after C2")


# -- 3: Stop during a preset started from Home --------------------------------------------

def test_stop_during_a_preset_from_home_keeps_it_and_train_continues(page, app_url, capsys):
    log = ServerLog()
    home_with_observer(page, app_url)
    open_preset(page, "C1-notes")  # 10 000 epochs: the longest preset run
    live, shown, statuses = buttons_live(page, BUTTONS_LIVE_LIMIT)
    # The lecturer stops the preset in its first tenth (the whole run is a few seconds)
    assert live is not None and shown <= 1000, (
        f"Stop was not a live button until {live} s after the preset was opened (limit "
        f"{BUTTONS_LIVE_LIMIT} s, before epoch 1000 of 10000); statuses (text, s): {statuses}")
    full_speed(page)  # the stop itself is timed on this box's browser, as in test_logistic
    deadline = time.monotonic() + RUN_TIMEOUT
    while (status := read_status(page))[2] != "training…":  # Stop is pressed while it trains
        assert status[0] < 10000, (f"the buttons were live {live:.2f} s after the click, but "
                                   f"only once the run had ended: {status[3]!r}")
        assert time.monotonic() < deadline, f"the preset did not start training: {status[3]!r}"
        time.sleep(0.05)
    click(page, "stop")
    clicked = time.monotonic()
    while True:
        epoch, of, state, text = read_status(page)
        if state == "stopped":
            answer = time.monotonic() - clicked
            break
        assert time.monotonic() - clicked < STOP_STATUS_LIMIT, \
            f"still {text!r} {STOP_STATUS_LIMIT} s after Stop"
        time.sleep(0.05)
    wait_idle(page)
    stopped_at, of, state, text = read_status(page)
    assert 0 < stopped_at < 10000 and of in (None, 10000), f"Stop did not stop mid-run: {text!r}"
    time.sleep(1.0)
    assert read_status(page)[0] == stopped_at, "the run went on after Stop"
    # every epoch so far is on the curve, up to the points a chart draws at most
    assert curve_points(page, "Loss (mean BCE per example)") >= min(stopped_at, MAX_DRAWN), \
        "the loss curve was not kept"
    screenshot(page, "paths-preset-stopped")
    click(page, "train")  # continues the same run, to the preset's 10 000 epochs
    seen = wait_for_run_end(page, 10000)
    epochs_seen = [int(STATUS.match(s).group(1)) for s in seen]
    assert min(epochs_seen) >= stopped_at, f"Train started the run again from 0: {seen}"
    assert curve_points(page, "Loss (mean BCE per example)") >= MAX_DRAWN * 0.9
    assert page.get_by_text(re.compile(r"x = −b/w = 2\.4\d")).count() == 1, \
        "C1 (notes) should cross P = 0.5 at 2.42 h"
    screenshot(page, "paths-preset-continued")
    with capsys.disabled():
        print(f"\n  Stop during C1-notes from Home: buttons live {live:.2f} s after the click, "
              f"status 'stopped' {answer:.2f} s after Stop, at epoch {stopped_at}")
    assert_no_errors(page, "Stop and Train on a preset from Home")
    log.assert_clean("Stop and Train on a preset from Home")


def test_a_run_reset_while_training_is_kept_in_the_runs_table(page, app_url):
    """Reset (or a Step or Train on other settings) interrupts the script run that trains,
    and replaced the run before any run reached the page's end, where runs were kept."""
    log = ServerLog()
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{app_url}/logistic?dataset=synthetic&num_epochs=100000")
    page.locator(".st-key-logistic-train button").first.wait_for()
    wait_idle(page)
    click(page, "train")
    page.get_by_text(re.compile("training…")).first.wait_for()
    time.sleep(1.5)
    click(page, "reset")
    wait_idle(page)
    assert read_status(page)[2] == "ready"
    assert page.get_by_text("Runs you train appear here").count() == 0
    kept = page.locator(".st-key-logistic-export_run input").input_value()
    assert re.search(r"#1 synthetic · manual · lr 0\.01", kept), kept
    assert_no_errors(page, "after Reset")
    log.assert_clean("Reset while training")
