"""Per-epoch curves kept in bounded memory, however long a run goes."""

COLUMNS = ("train_loss", "train_acc", "test_loss", "test_acc")


class History:
    """Epoch metrics per twin, thinned to at most `max_points` rows.

    When full, every second row is dropped and from then on only every
    second epoch is kept (then every fourth, …): a 100 000-epoch run costs
    the same memory as a 2 000-epoch one and its curve keeps its shape.
    """

    def __init__(self, max_points=2000):
        self.max_points = max_points
        self.stride = 1
        self.epochs = []
        self.rows = {}  # impl → column → list of values
        self.latest = None  # the newest EpochEnd, kept even when thinned out

    def append(self, end):
        """Record an EpochEnd (kept if its epoch falls on the current stride)."""
        self.latest = end
        if end.epoch % self.stride and end.epoch != 1:
            return
        self.epochs.append(end.epoch)
        for impl, m in end.metrics.items():
            cols = self.rows.get(impl) or self.rows.setdefault(impl, {c: [] for c in COLUMNS})
            for c in COLUMNS:
                cols[c].append(getattr(m, c))
        if len(self.epochs) > self.max_points:
            self._thin()

    def _thin(self):
        self.stride *= 2
        keep = [i for i, e in enumerate(self.epochs) if e % self.stride == 0 or e == 1]
        self.epochs = [self.epochs[i] for i in keep]
        for cols in self.rows.values():
            for c in COLUMNS:
                cols[c] = [cols[c][i] for i in keep]

    def __len__(self):
        return len(self.epochs)

    def series(self, impl):
        """(epochs, {column: values}) for plotting, ending at the newest epoch."""
        epochs, cols = list(self.epochs), {c: list(v) for c, v in self.rows[impl].items()}
        if self.latest is not None and (not epochs or epochs[-1] != self.latest.epoch):
            epochs.append(self.latest.epoch)
            for c in COLUMNS:
                cols[c].append(getattr(self.latest.metrics[impl], c))
        return epochs, cols


class ParamPath:
    """The (w, b) a two-parameter model visits, one point per update, thinned like History."""

    def __init__(self, max_points=2000):
        self.max_points = max_points
        self.stride = 1
        self.points = []  # (update number, w, b)

    def wants(self, step):
        """Whether the point of update `step` would be kept (else it need not be made)."""
        return step % self.stride == 0

    def append(self, step, w, b):
        if self.wants(step):
            self.points.append((step, w, b))
        if len(self.points) > self.max_points:
            self.stride *= 2
            self.points = [p for p in self.points if p[0] % self.stride == 0]
