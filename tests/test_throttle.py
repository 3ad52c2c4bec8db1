"""The redraw throttle (ui.throttle): by the clock, and only the status line for a browser
that has fallen behind. A fake clock: no sleeping, no Streamlit."""
from ui.throttle import ALL, DETAIL_SECONDS, LIVE, REDRAW_SECONDS, STATUS, Throttle


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_the_first_redraw_is_everything_then_the_live_view_by_the_clock():
    clock = Clock()
    throttle = Throttle(clock, browser_behind=lambda: False)
    assert throttle.due() == ALL
    throttle.redrawn_now(ALL)
    assert throttle.due() is None  # no time has passed
    clock.now += REDRAW_SECONDS
    assert throttle.due() == LIVE  # the curves and the fit, not yet the details
    throttle.redrawn_now(LIVE)
    clock.now += DETAIL_SECONDS
    assert throttle.due() == ALL
    throttle.redrawn_now(ALL)
    clock.now += REDRAW_SECONDS / 2
    assert throttle.due() is None


def test_a_browser_behind_gets_only_the_status_line_until_it_catches_up():
    clock, behind = Clock(), [True]
    throttle = Throttle(clock, browser_behind=lambda: behind[0])
    throttle.redrawn_now(ALL)
    clock.now += DETAIL_SECONDS
    assert throttle.due() == STATUS
    throttle.redrawn_now(STATUS)
    assert throttle.due() is None  # a status line counts as a redraw: the clock restarts
    clock.now += REDRAW_SECONDS
    behind[0] = False
    assert throttle.due() == ALL  # caught up: the details it missed come first


def test_the_first_epoch_end_of_a_run_is_drawn_at_once():
    clock = Clock()
    throttle = Throttle(clock, browser_behind=lambda: False)
    throttle.redrawn_now(LIVE)                     # the draw before training
    assert throttle.due() is None                  # a batch: not yet
    assert throttle.due(epoch_ended=True) == LIVE  # the first loss point: at once
    throttle.redrawn_now(LIVE)
    assert throttle.due(epoch_ended=True) is None  # later epochs: by the clock
    behind = Throttle(clock, browser_behind=lambda: True)
    behind.redrawn_now(LIVE)
    assert behind.due(epoch_ended=True) == STATUS  # a browser behind: the status only


def test_a_run_that_will_end_before_a_redraw_is_not_drawn_part_way():
    clock = Clock()
    throttle = Throttle(clock, browser_behind=lambda: False)
    clock.now += 0.01                                        # a first epoch of 0.01 s
    assert throttle.due(epoch_ended=True, done=1 / 10) is None  # the rest: 0.09 s
    clock.now += REDRAW_SECONDS                              # the guess was wrong: the clock
    assert throttle.due() == ALL
    slow = Throttle(clock, browser_behind=lambda: False)
    clock.now += 0.01
    assert slow.due(epoch_ended=True, done=1 / 1000) == LIVE  # 10 s to go: drawn at once
