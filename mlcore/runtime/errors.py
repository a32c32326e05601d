"""A sketch's mistakes on screen: a red bar naming the student's file and line, the lesson going on underneath.

An exception in a hook (or in the code a hook calls, such as the note sketches' `epoch_done`) prints its traceback
once per distinct error, as Python prints it ("Did you mean: 'label'?" and notes included), and shows
`my_sketch.py:12: ZeroDivisionError: division by zero` in red along the bottom of the window for at least
SHOWN_AT_LEAST_S seconds, and until that hook runs cleanly again. The line named is the innermost one in the sketch's
own file, not in the runtime's or mlcore's. The recent errors stay listed (W, or a click on the red bar, shows them).

One root error is shown alone: while `setup`'s error stands, the sketch is half set up, and the errors of other hooks
(a `network` that was never made…) are its consequences: listed and counted, not printed or shown.
"""

import functools
import os
import sys
import time
import traceback

from mlcore.runtime import tracebacks
from mlcore.runtime.watchdog import HookTimeout

BAR = (180, 20, 20)
WHITE = (255, 255, 255)
LINE_HEIGHT = 26
SHOWN_ROWS = 4  # rows of the bar at most; a message that does not fit whole waits in the list (W)
SHOWN_AT_LEAST_S = 8.0  # a message a student has to read stays this long, even when its hook runs cleanly at once
RECENT_KEPT = 30


@functools.lru_cache(maxsize=256)
def _real(path):
    return os.path.realpath(path)


class HookErrors:
    """The errors of a sketch's hooks: printed once each, shown while their hook keeps failing (and at least
    SHOWN_AT_LEAST_S seconds), listed among the recent ones."""

    def __init__(self, sketch_file):
        self.sketch_file = _real(sketch_file) if sketch_file else None
        self.current = {}  # hook name (or "knob NAME") -> [line shown, shown since, ran cleanly since]
        self.printed = set()
        self.log = []  # every line shown, in order, once each (the state's runtime_messages)
        self.recent = []  # (clock time, line), newest last: what the error list shows
        self.followed = 0  # errors of other hooks while setup's error stood (its consequences)
        self.failures = 0  # every failure counted (the runtime sees whether this frame's draw failed)

    def failed(self, hook, error):
        """`hook` raised `error`: print its traceback the first time this error is seen, and show it."""
        line = self.describe(error)
        self.failures += 1
        if hook != "setup" and self.failing("setup"):
            self.followed += 1
            self._remember(f"{line} (after the setup error)")
            return
        if line not in self.printed:
            self.printed.add(line)
            if isinstance(error, HookTimeout):  # where the sketch's code was; the runtime's own frames say nothing
                steps = "".join(traceback.format_list(self._own_frames(error)))
                print(f"Traceback (most recent call last):\n{steps}{line}", file=sys.stderr)
            else:
                tracebacks.print_error(error)
        self._show(hook, line)

    def problem(self, key, line):
        """A mistake found without an exception (a knob's bad value): printed once, shown until `forget`."""
        if line not in self.printed:
            self.printed.add(line)
            print(line, file=sys.stderr)
        self._show(key, line)

    def forget(self, prefix, keep=None):
        """Take the lines shown under keys that start with `prefix` (but not with `keep`) off the bar at once: the
        knobs, checked again; every hook's error, when a reload brings new code."""
        for key in [key for key in self.current if key.startswith(prefix) and not (keep and key.startswith(keep))]:
            del self.current[key]

    def _show(self, hook, line):
        shown = self.current.get(hook)
        if shown is None or shown[0] != line:
            self.current[hook] = [line, time.monotonic(), None]
            self._remember(line)
        else:
            shown[2] = None  # failing again
        if line not in self.log:
            self.log.append(line)

    def _remember(self, line):
        if not self.recent or self.recent[-1][1] != line:
            self.recent.append((time.strftime("%H:%M:%S"), line))
            del self.recent[:-RECENT_KEPT]

    def succeeded(self, hook):
        """`hook` ran cleanly: its error leaves the screen (once it has been there SHOWN_AT_LEAST_S seconds)."""
        shown = self.current.get(hook)
        if shown is not None and shown[2] is None:
            shown[2] = time.monotonic()

    def failing(self, hook):
        """True while `hook`'s latest call failed."""
        shown = self.current.get(hook)
        return shown is not None and shown[2] is None

    def lines(self):
        """The lines on the bar now, oldest first."""
        now = time.monotonic()
        for hook, (_, since, clean) in list(self.current.items()):
            if clean is not None and now - since >= SHOWN_AT_LEAST_S:
                del self.current[hook]
        return list(dict.fromkeys(shown[0] for shown in self.current.values()))

    def describe(self, error):
        """`file.py:LINE: Type: message`, with the innermost line of the sketch's own file, Python's hint and the
        error's notes."""
        if isinstance(error, HookTimeout):
            return self._stopped(error)
        filename, line = self._where(error)
        where = f"{os.path.basename(filename)}:{line}: " if filename else ""
        message = str(error) if not isinstance(error, SyntaxError) else error.msg
        hint = tracebacks.hint(error)
        if hint:
            message = f"{message}. {hint}"
        text = f"{where}{type(error).__name__}: {message}" if message else f"{where}{type(error).__name__}"
        return " — ".join([text, *tracebacks.notes(error)])

    def _stopped(self, error):
        """ "draw() ran for 3 s without finishing: stopped at my_sketch.py:12 (an endless loop?)"."""
        frames = self._own_frames(error)
        if not frames:
            return f"a hook ran for {error.seconds:.0f} s without finishing: stopped (an endless loop?)"
        name = os.path.basename(frames[-1].filename)
        started = f"{frames[0].name}()" if frames[0].name != "<module>" else name
        return (
            f"{started} ran for {error.seconds:.0f} s without finishing: stopped at {name}:{frames[-1].lineno} "
            "(an endless loop?)"
        )

    def _own_frames(self, error):
        frames = traceback.extract_tb(error.__traceback__)
        return [frame for frame in frames if self.sketch_file and _real(frame.filename) == self.sketch_file]

    def _where(self, error):
        if isinstance(error, SyntaxError) and error.filename:
            return error.filename, error.lineno
        frames = traceback.extract_tb(error.__traceback__)
        own = self._own_frames(error)
        frame = own[-1] if own else (frames[-1] if frames else None)
        return (frame.filename, frame.lineno) if frame else (None, None)


class Notices:
    """Short runtime messages ("reloaded my_sketch.py", a window made smaller to fit): a few seconds each.

    A sketch with a message bar of its own takes them there (`hand_over`), so that nothing is drawn over its text
    or charts; a sketch without one gets them along the bottom of the window."""

    def __init__(self):
        self.shown = []  # (text, until, is_error), drawn by the runtime
        self.log = []
        self.hand_to = None  # hand_to(text, seconds, error) -> True when the sketch showed it

    def say(self, text, seconds=4.0, error=False):
        """Show `text` for `seconds` (float("inf"): until the window closes); red when `error`."""
        if text not in self.log:
            self.log.append(text)
        if self.hand_to is not None and self.hand_to(text, seconds, error):
            return
        self.shown = [notice for notice in self.shown if notice[0] != text]
        self.shown.append((text, time.monotonic() + seconds, error))

    def hand_over(self, hand_to):
        """From now on, notices go to `hand_to` first (those on screen now too): the sketch's own message bar."""
        self.hand_to = hand_to
        now, waiting, self.shown = time.monotonic(), self.shown, []
        for text, until, error in waiting:
            if until > now and not hand_to(text, until - now, error):
                self.shown.append((text, until, error))

    def current(self):
        now = time.monotonic()
        self.shown = [notice for notice in self.shown if notice[1] > now]
        return [(text, error) for text, until, error in self.shown]


def draw_bars(surface, lines, tip=""):
    """(text, is_error) lines along the bottom of `surface`, the newest lowest: red for errors, dark otherwise. Each
    line is wrapped whole to the width; the oldest lines give way when they do not all fit in SHOWN_ROWS rows.
    `tip` sits at the right of the top red row when there is room. Returns the top of the bars (None: none)."""
    if not lines:
        return None
    from mlcore.widgets import theme, ui

    width, height = surface.get_size()
    rows = []
    for text, error in reversed(lines):
        wrapped = [(row, error) for row in ui.wrap(text, width - 16, size=22) or [""]]
        if rows and len(rows) + len(wrapped) > SHOWN_ROWS:
            break
        rows[:0] = wrapped
    top = height - LINE_HEIGHT * len(rows)
    for index, (text, error) in enumerate(rows):
        bottom = top + LINE_HEIGHT * (index + 1)
        surface.fill(BAR if error else theme.current().panel, (0, bottom - LINE_HEIGHT, width, LINE_HEIGHT))
        ui.label(surface, text, (8, bottom - 4), size=22, colour=WHITE, anchor="bottomleft")
    first_red = next((index for index, (_, error) in enumerate(rows) if error), None)
    if tip and first_red is not None:
        bottom = top + LINE_HEIGHT * (first_red + 1)
        room = width - 16 - ui.text_width(rows[first_red][0], 22)
        if ui.text_width(tip, 22) + 24 <= room:
            ui.label(surface, tip, (width - 8, bottom - 4), size=22, colour=WHITE, anchor="bottomright")
    return top
