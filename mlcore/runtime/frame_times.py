"""How long frames take: the first one from the start, and those drawn while background work runs."""

import sys
import time
from pathlib import Path

from mlcore import jobs
from mlcore.runtime.inputs import frames

STARTED = time.perf_counter()  # first_frame_s counts from the moment the runtime is imported


class FrameTimes:
    """Frame intervals, for the state's "timing" (training must not make the canvas stutter)."""

    def __init__(self):
        self.first_frame_s = None
        self.while_busy = []
        self.all = []  # every interval of the run, startup's included
        self.max_ms = 0.0
        self.last_start = None

    def frame_started(self):
        """Note the start of a frame; returns the seconds since the previous one (0 for the first)."""
        start = frames.started = time.perf_counter()
        if self.last_start is not None:
            interval = (start - self.last_start) * 1000
            self.max_ms = max(self.max_ms, interval)
            self.all.append(interval)
            if jobs.busy():
                self.while_busy.append(interval)
        dt = 0.0 if self.last_start is None else start - self.last_start
        self.last_start = start
        return dt

    def frame_done(self):
        if self.first_frame_s is None:
            self.first_frame_s = time.perf_counter() - STARTED

    def timing(self):
        busy = sorted(self.while_busy)
        return {
            "first_frame_s": self.first_frame_s,
            "frames": frames.count,
            "frames_while_training": len(busy),
            "frame_ms_max_while_training": busy[-1] if busy else None,
            "frame_ms_p95_while_training": _p95(busy),
            "frame_ms_max": self.max_ms,
            "frame_ms_p95": _p95(sorted(self.all)),
        }


def peak_memory_mb():
    """The most memory this process has held (Linux's VmHWM; None where the system does not say)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None


def process_facts():
    """What the window's process holds: whether torch was ever imported into it, its peak memory and how many
    processes it started are running (a training process; None where the system does not say)."""
    return {
        "torch_loaded": "torch" in sys.modules,
        "peak_memory_mb": peak_memory_mb(),
        "child_processes": child_processes(),
    }


def child_processes():
    """How many processes this one started are running now, from Linux's /proc; None elsewhere."""
    tasks = Path("/proc/self/task")
    if not tasks.is_dir():
        return None
    children = set()
    for task in tasks.iterdir():
        try:
            children.update((task / "children").read_text().split())
        except OSError:
            continue
    return len(children)


def _p95(ordered):
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] if ordered else None
