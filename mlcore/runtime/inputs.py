"""Live values a sketch reads at any moment: the mouse, the keys held down, the frame count."""

import time

LATE_S = 0.030  # a frame that has run this long is late: 60 frames a second leave 17 ms each


class Mouse:
    """Where the mouse is on the canvas, and which buttons are down."""

    def __init__(self):
        self.x, self.y, self.buttons = 0, 0, set()

    @property
    def pressed(self):
        return bool(self.buttons)


class Keyboard:
    """The names of the keys held down right now."""

    def __init__(self):
        self.held = set()


class Frames:
    """How many frames have been drawn, and the time since the sketch started."""

    def __init__(self):
        self.count = 0
        self.seconds = 0.0
        self.started = None  # time.perf_counter() when the frame being drawn began

    def elapsed(self):
        """Seconds since the frame being drawn began (0 outside the runtime's loop)."""
        return 0.0 if self.started is None else time.perf_counter() - self.started

    def late(self):
        """True when the frame being drawn is already long (the sketch's own work, such as a loop of 100,000
        `add_data` on T): drawing that can wait had better wait for the next frame."""
        return self.elapsed() > LATE_S


mouse, keyboard, frames = Mouse(), Keyboard(), Frames()
