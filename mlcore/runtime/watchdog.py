"""An endless loop in a student's hook is stopped, and the window goes on.

While the runtime calls a hook, a watchdog thread looks every LOOK_EVERY_S at the line the main thread is running.
Once the hook has run for LIMIT_S seconds, and for at least half of them the main thread was on a line of the
sketch's own file (the student's loop, not mlcore's work, a slow first frame's fonts or an import), the watchdog
interrupts it: `HookTimeout` is raised in the main thread, at a line of the sketch's file, and the runtime shows
"draw() ran for 3 s without finishing: stopped at my_sketch.py:12 (an endless loop?)". The runtime's own work
outside the hooks and every other thread (a training) are never looked at.

The interrupt is a SIGINT sent to the main thread alone (so that a `time.sleep` in the loop wakes too), caught by
the runtime's own handler; a Ctrl+C typed in the terminal still stops the program as before.
"""

import _thread
import contextlib
import functools
import os
import signal
import sys
import threading
import time

LIMIT_S = 3.0
LOOK_EVERY_S = 0.05


class HookTimeout(BaseException):
    """Raised in a hook that ran LIMIT_S seconds without finishing. A BaseException, so that an `except Exception`
    inside the student's loop does not swallow it."""

    def __init__(self, seconds):
        super().__init__(f"ran for {seconds:.0f} s without finishing")
        self.seconds = seconds


@functools.lru_cache(maxsize=256)
def _real(path):
    return os.path.realpath(path)


class _Call:
    """One hook call being watched."""

    def __init__(self, name):
        self.name, self.started, self.in_sketch = name, time.monotonic(), 0.0


class Watchdog:
    """Watches the hooks the runtime calls (`with watchdog.watching("draw"): …`) and stops one that never ends."""

    def __init__(self, sketch_file, limit_s=LIMIT_S):
        self.sketch_file = _real(sketch_file) if sketch_file else None
        self.limit_s = limit_s
        self.call = None  # the hook call running now (the innermost, when hooks call hooks)
        self.asked = None  # the call the watchdog asked to stop
        self.pending = 0  # interrupts sent and not yet seen by the handler
        self.main = threading.main_thread().ident
        self.previous = None
        enabled = self.sketch_file is not None and threading.current_thread() is threading.main_thread()
        if enabled:
            self.previous = signal.signal(signal.SIGINT, self._on_interrupt)
            threading.Thread(target=self._watch, name="hook watchdog", daemon=True).start()

    @contextlib.contextmanager
    def watching(self, name):
        """Watch the code run inside the `with` block as the hook `name`."""
        outer, self.call = self.call, _Call(name)
        try:
            yield
        finally:
            if self.asked is self.call:
                self.asked = None
            self.call = outer

    def _in_sketch(self, frame):
        return frame is not None and _real(frame.f_code.co_filename) == self.sketch_file

    def _watch(self):
        last = time.monotonic()
        while True:
            time.sleep(LOOK_EVERY_S)
            now = time.monotonic()
            step, last = now - last, now
            call = self.call
            if call is None:
                continue
            in_sketch = self._in_sketch(sys._current_frames().get(self.main))
            if in_sketch:
                call.in_sketch += step
            long = time.monotonic() - call.started >= self.limit_s and call.in_sketch >= self.limit_s / 2
            if (long and in_sketch) or self.asked is call:  # asked already: ask again until it lands in the sketch
                self.asked = call
                self._interrupt()

    def _interrupt(self):
        self.pending += 1
        if hasattr(signal, "pthread_kill"):
            signal.pthread_kill(self.main, signal.SIGINT)
        else:  # Windows: the handler runs at the main thread's next line (a sleep there finishes first)
            _thread.interrupt_main()

    def _on_interrupt(self, number, frame):
        """SIGINT, in the main thread: the watchdog's (stop the hook, if at a line of the sketch), or a Ctrl+C."""
        if self.pending:
            self.pending = 0
            call = self.asked
            if call is not None and call is self.call and self._in_sketch(frame):
                self.asked = None
                raise HookTimeout(time.monotonic() - call.started)
            return  # not on the sketch's line yet (or the hook has ended): the watchdog asks again if needed
        if callable(self.previous):
            self.previous(number, frame)
        elif self.previous != signal.SIG_IGN:
            raise KeyboardInterrupt
