"""How often a training run redraws the page: by the clock, and less for a browser behind.

The curves and the fit are redrawn every REDRAW_SECONDS while training, the details
(tables, landscapes, worked examples) every DETAIL_SECONDS. Each redraw is work for the
browser, and nothing tells the server how far behind it is: with everything every 0.25 s,
a browser sharing two cores with the server fell 13-17 s behind on C1 (over 30 s on CI),
showing an old epoch and "training…" long after Stop had stopped the run. By the clock,
not by the step: a chart every step took a toy model from ~800 steps/s to ~170.
"""
import math
import time

from ui import server

REDRAW_SECONDS = 0.5
DETAIL_SECONDS = 2.0

# What to redraw: the status line only; the live view (status, curves, fit); all of it
STATUS, LIVE, ALL = "status", "live", "all"


class Throttle:
    """Tells a training run, event by event, what to redraw now, if anything."""

    def __init__(self, clock=time.monotonic, browser_behind=None):
        self.clock = clock
        self.browser_behind = browser_behind or server.browser_behind
        self.redrawn = self.details_redrawn = -math.inf
        self.first_epoch_drawn = False
        self.started = clock()  # made just before a run trains

    def due(self, epoch_ended=False, done=None):
        """None (not yet), STATUS (the browser is behind: let it catch up before more
        charts), LIVE, or ALL (the details too, every DETAIL_SECONDS).

        `epoch_ended`: the event was an epoch's end. A run's first is drawn at once, not
        REDRAW_SECONDS after the draw before training: the first loss point is on screen
        as soon as it exists (measured: 0.33 s after Train instead of 1.4 s,
        scripts/bench_first_paint.py). `done`: the share of the run done by then. A run
        that will be over within REDRAW_SECONDS at that pace does not draw its first
        epoch's end: its end, drawn whole, comes about as soon (C4 on digits trains for
        0.12 s; a draw of its first epoch was a tenth of that). Later redraws go by the
        clock as ever."""
        now = self.clock()
        if epoch_ended and not self.first_epoch_drawn:
            self.first_epoch_drawn = True
            if done and (now - self.started) * (1 - done) / done < REDRAW_SECONDS:
                return None
            return STATUS if self.browser_behind() else LIVE
        if now - self.redrawn < REDRAW_SECONDS:
            return None
        if self.browser_behind():
            return STATUS
        return ALL if now - self.details_redrawn >= DETAIL_SECONDS else LIVE

    def redrawn_now(self, what):
        """Note that `what` has just been redrawn: the intervals count from here."""
        self.redrawn = self.clock()
        if what == ALL:
            self.details_redrawn = self.redrawn
