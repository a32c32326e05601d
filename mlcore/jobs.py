"""Background work with an explicit status, so that the draw loop never waits.

A `Job` runs a function on a thread. The function receives the job itself and reports through it
(`job.report(done, total, message)`) and checks `job.cancelled`. The draw loop only reads the job's fields:
`status` is one of idle, running, done, failed, cancelled (as Marcelle's `$training` stream says), and an error
raised in the function is kept as `job.error` (a one-line message) for the screen, never lost on the thread.
"""

import math
import subprocess
import sys
import threading
import time
import traceback
from pathlib import Path

IDLE, RUNNING, DONE, FAILED, CANCELLED = "idle", "running", "done", "failed", "cancelled"

ROOT = str(Path(__file__).resolve().parents[1])  # the folder that holds mlcore: a child process imports it from here
_running_jobs = set()
_running_lock = threading.Lock()
_helper_threads = []  # background threads that are not jobs (see `track`)


def busy():
    """True while any job is running (the runtime uses it to time the frames drawn during work)."""
    with _running_lock:
        return bool(_running_jobs)


class Throughput:
    """Items done a second, and the seconds left, measured from the first report of a piece of work on (a wait
    before it, for a library to load, does not count)."""

    def __init__(self, clock=time.monotonic):
        self.clock = clock
        self.first = None  # (when, done) of the first report
        self.per_second = None

    def says(self, done, total, unit):
        """ ", 41 images/s, about 3 s left" once the rate is measured (half a second of work), else ""."""
        now = self.clock()
        if self.first is None:
            self.first = (now, done)
        elapsed, made = now - self.first[0], done - self.first[1]
        if elapsed < 0.5 or made <= 0:
            return ""
        self.per_second = made / elapsed
        if done >= total:
            return f", {self.per_second:.0f} {unit}/s"
        return f", {self.per_second:.0f} {unit}/s, about {math.ceil((total - done) / self.per_second)} s left"


class Cancelled(Exception):
    """Raised inside a job's function to stop early when the job was cancelled."""


class StopFlag:
    """A `should_stop()` function seen as the `threading.Event` that `features.extract` and `load_dataset` poll."""

    def __init__(self, should_stop=None):
        self.should_stop = should_stop or (lambda: False)

    def is_set(self):
        return bool(self.should_stop())


class Job:
    """One piece of background work: status, progress, result or error."""

    def __init__(self, name, function, *args, **kwargs):
        self.name = name
        self.function = function
        self.args = args
        self.kwargs = kwargs
        self.status = IDLE
        self.done = 0
        self.total = 0
        self.message = ""
        self.result = None
        self.error = ""
        self.started_at = None
        self.finished_at = None
        self._cancel = threading.Event()
        self._thread = None

    def start(self):
        """Start the work on a daemon thread and return the job."""
        self.status = RUNNING
        self.started_at = time.perf_counter()
        with _running_lock:
            _running_jobs.add(self)
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()
        return self

    def _run(self):
        status = RUNNING  # as it stays when something other than an Exception ends the thread
        try:
            self.result = self.function(self, *self.args, **self.kwargs)
            status = CANCELLED if self._cancel.is_set() else DONE
        except Cancelled:
            status = CANCELLED
        except Exception as error:  # shown on screen by whoever owns the job
            # The project's own errors are written for students: show them as they are. Others get their type.
            own = type(error).__module__.startswith("mlcore") and str(error)
            self.error = (
                str(error) if own else (f"{type(error).__name__}: {error}" if str(error) else type(error).__name__)
            )
            self.details = traceback.format_exc()
            status = FAILED
        finally:
            self.finished_at = time.perf_counter()  # before the status: whoever sees it ended sees when
            self.status = status
            with _running_lock:
                _running_jobs.discard(self)

    def report(self, done, total=None, message=None):
        """Called by the work itself: how far it has come."""
        self.done = done
        if total is not None:
            self.total = total
        if message is not None:
            self.message = message
        if self._cancel.is_set():
            raise Cancelled()

    def cancel(self):
        """Ask the work to stop at its next report."""
        self._cancel.set()

    @property
    def cancelled(self):
        return self._cancel.is_set()

    @property
    def running(self):
        return self.status == RUNNING

    @property
    def fraction(self):
        """Progress from 0 to 1 (0 while the total is unknown)."""
        return min(1.0, self.done / self.total) if self.total else 0.0

    def wait(self, timeout=None):
        """Block until the work ends (for tests and scripts; never call it from a draw loop)."""
        if self._thread is not None:
            self._thread.join(timeout)
        return self.status


def track(thread):
    """Have `shutdown` wait for a plain background thread too (one that is not a Job, such as a warm-up)."""
    _helper_threads.append(thread)
    return thread


def shutdown(timeout=15.0):
    """Cancel every running job and wait for the threads to end.

    torch aborts the whole process if it is still working on a thread when Python exits, so the runtime calls
    this before the process ends.
    """
    with _running_lock:
        jobs = list(_running_jobs)
    for job in jobs:
        job.cancel()
    threads = [job._thread for job in jobs if job._thread is not None] + _helper_threads
    for thread in threads:
        thread.join(timeout)


def start_child(module, *args, **popen):
    """A new Python process running `module.main()` from this checkout (whatever the current folder), with `args`
    as its `sys.argv[1:]`; `popen`: `subprocess.Popen`'s keywords (its pipes). Work that holds Python's lock for
    long (loading torch, training, reading a large file) goes there: on a thread of the window's process, the
    window's frames would wait for it."""
    code = f"import sys; sys.path.insert(0, {ROOT!r}); from {module} import main; main()"
    return subprocess.Popen([sys.executable, "-c", code, *args], **popen)
