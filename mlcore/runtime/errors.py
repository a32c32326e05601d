"""A sketch's mistakes on screen: a red bar naming the student's file and line, the lesson going on underneath.

An exception in a hook (or in the code a hook calls, such as the note sketches' `epoch_done`) prints its traceback
once per distinct error, and shows `my_sketch.py:12: ZeroDivisionError: division by zero` in red along the bottom of
the window until that hook runs cleanly again. The line named is the innermost one in the sketch's own file, not in
the runtime's or mlcore's.
"""

import functools
import os
import sys
import time
import traceback

BAR = (180, 20, 20)
WHITE = (255, 255, 255)
LINE_HEIGHT = 26
SHOWN_LINES = 3


@functools.lru_cache(maxsize=256)
def _real(path):
    return os.path.realpath(path)


class HookErrors:
    """The errors of a sketch's hooks: printed once each, shown while their hook keeps failing."""

    def __init__(self, sketch_file):
        self.sketch_file = _real(sketch_file) if sketch_file else None
        self.current = {}   # hook name -> the line shown for its latest failure
        self.printed = set()
        self.log = []       # every line shown, in order, once each (the state's runtime_messages)

    def failed(self, hook, error):
        """`hook` raised `error`: print its traceback the first time this error is seen, and show it."""
        line = self.describe(error)
        if line not in self.printed:
            self.printed.add(line)
            traceback.print_exception(type(error), error, error.__traceback__, file=sys.stderr)
        self.current[hook] = line
        if line not in self.log:
            self.log.append(line)

    def succeeded(self, hook):
        """`hook` ran cleanly: its error leaves the screen."""
        self.current.pop(hook, None)

    def showing(self, hook):
        return hook in self.current

    def lines(self):
        return list(dict.fromkeys(self.current.values()))

    def describe(self, error):
        """`file.py:LINE: Type: message`, with the innermost line of the sketch's own file."""
        filename, line = self._where(error)
        where = f"{os.path.basename(filename)}:{line}: " if filename else ""
        message = str(error) if not isinstance(error, SyntaxError) else error.msg
        return f"{where}{type(error).__name__}: {message}" if message else f"{where}{type(error).__name__}"

    def _where(self, error):
        if isinstance(error, SyntaxError) and error.filename:
            return error.filename, error.lineno
        frames = traceback.extract_tb(error.__traceback__)
        own = [frame for frame in frames if self.sketch_file and _real(frame.filename) == self.sketch_file]
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


def draw_bars(surface, lines):
    """(text, is_error) lines along the bottom of `surface`, the newest lowest: red for errors, dark otherwise."""
    if not lines:
        return
    from mlcore.widgets import theme, ui

    width, height = surface.get_size()
    shown = lines[-SHOWN_LINES:]
    for index, (text, error) in enumerate(shown):
        bottom = height - LINE_HEIGHT * (len(shown) - index - 1)
        surface.fill(BAR if error else theme.current().panel, (0, bottom - LINE_HEIGHT, width, LINE_HEIGHT))
        ui.label(surface, text, (8, bottom - 4), size=22, colour=WHITE, anchor="bottomleft")
