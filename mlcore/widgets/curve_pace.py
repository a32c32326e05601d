"""Curves drawn in at a pace a class can follow.

A small network trains in a blink: its curves would appear whole at once. `CurvePace` says how many epochs of a
training to draw by a given moment: they come as fast as the training gives them, but the whole run takes at least
`seconds` to draw, from the first epoch that was looked at. The trained model answers at once all the same.
"""


class CurvePace:
    """How many epochs of one training (any object: a job, a run) are drawn by a moment."""

    def __init__(self, seconds=2.0):
        self.seconds = seconds
        self.training = None
        self.started = None  # when the first epoch of `training` was seen

    def shown(self, training, done, total, now):
        """The epochs of `training` drawn at `now` (seconds, monotonic): `done` of `total` have been trained."""
        if training is None:
            return 0
        if training is not self.training:
            self.training, self.started = training, None
        if done and self.started is None:
            self.started = now
        if self.started is None:
            return 0
        if self.seconds <= 0:
            return done
        return min(done, int((total or done) * (now - self.started) / self.seconds))
