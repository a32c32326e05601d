"""The canvas's files: samples saved and loaded in ml5's layout, the autosave on quit, and the trained network
saved with M and loaded with --load-model (ml5's `save` and `load`)."""

import gc
import os
import sys
import time

from mlcore.files import unwritable
from mlcore.jobs import Job
from mlcore.notes import lesson_report, sample_files, sample_loading
from mlcore.notes.sample_files import SampleFileError
from mlcore.report import WRITING, ended

READ_AT_ONCE_BYTES = 250_000  # about 2,000 samples, read before the first frame; a larger file loads while it runs
LOADING_SAYS_S = 60.0  # how long a word of a load's progress stays on the bar, unless the next replaces it


def _size(path):
    """The file's size in bytes; 0 when it cannot be seen (reading it then says why)."""
    try:
        return os.path.getsize(path)
    except (OSError, ValueError):
        return 0


def file_state(job):
    """Where saving or loading a model file stands, for the state JSON."""
    if job is None:
        return {"status": "idle"}
    return {
        "status": job.status,
        "doing": job.name,
        "path": job.result if job.name == "saving" else None,
        "error": job.error,
    }


class CanvasFiles:
    """What `NoteCanvas` reads and writes; it supplies the samples, the task, `say` and the network."""

    def save(self, path=None):
        """Write the samples as ml5 JSON; returns the path, or None (with a message) when the disk says no."""
        path = path or f"{self.sketch}-data-{time.strftime('%Y%m%d-%H%M%S')}.json"
        try:
            sample_files.save_samples(path, self.samples, self.task.name == "regression")
        except OSError as error:
            self.say(
                f"could not save to {path}: {error.strerror or error} (your samples are still here)",
                seconds=8,
                error=True,
            )
            return None
        self.unsaved = False
        self.say(f"saved {len(self.samples)} samples to {path}")
        return path

    def load(self, path):
        """Add the samples of an ml5 JSON file (`last`: the newest autosave); a bad file gives a message. A small
        file is read at once; a larger one while the window runs, its progress on the bar (`update_loading`)."""
        if str(path) == "last":
            path = sample_files.newest_autosave(self.sketch)
            if path is None:
                return self._load_failed("--load last: no autosave of this sketch yet")
        if not READ_AT_ONCE_BYTES < _size(path) <= sample_files.MAX_BYTES:  # small, or refused before it is read
            try:
                return self._loaded(path, *self._read(path))
            except SampleFileError as error:  # its sentence names the file
                return self._load_failed(error)
        wants_number, notes = self.task.name == "regression", self.notes.frequencies
        self.loading = Job("loading", sample_loading.read_in_child, path, wants_number, notes)
        self.loading.path = path
        self.loading.start()
        self.say(f"loading {path}…", seconds=LOADING_SAYS_S, key="loading")
        return True

    def _read(self, path):
        """(samples, skipped, reasons) of the file: every place with two finite numbers is kept (the view grows to
        those beyond the canvas)."""
        return sample_files.read_samples(
            path,
            lambda x, y: True,
            wants_number=self.task.name == "regression",
            octave=self.octave,
            notes=self.notes.frequencies,
        )

    def update_loading(self):
        """Once a frame while a large file loads: its progress on the bar; once read, a slice of its samples made
        (`sample_loading`); once all are made, they go before those placed meanwhile."""
        job = self.loading
        if job is None:
            return
        if job.running:
            tenths = job.done * 10 // job.total if job.total else 0
            if tenths != getattr(job, "tenths_said", 0):  # a word every tenth of the file
                job.tenths_said = tenths
                text = f"loading {job.path}: {job.done:,} of {job.total:,} entries read"
                self.say(text, seconds=LOADING_SAYS_S, key="loading")
            return
        if job.status != "done":
            self.loading = None
            self._load_failed(job.error)
            return
        columns, skipped, reasons = job.result
        if not columns.finished:
            columns.make()
            gc.freeze()  # the samples stay: the collector's full passes, slower with each slice, leave them out
            return
        self.loading = None  # all made in the frames before: placing them (`_loaded`) has a frame of its own
        self._loaded(job.path, columns.made, skipped, reasons)

    def samples_coming_in(self):
        """Whether a file's samples are still being read, made or drawn, a few a frame (frames come at full speed)."""
        return self.loading is not None or self.sample_layer.building is not None

    def _loaded(self, path, samples, skipped, reasons):
        self.samples[:0] = samples
        self.layout.fit(self.samples)
        why = "; ".join(f"{reason} ({count})" for reason, count in reasons.items())
        note = f" ({skipped} entries skipped: {why})" if reasons else ""
        beyond = (
            (f"; {self.layout.beyond} lie beyond the canvas: the view shows them all, at {self.layout.zoom:.0%}")
            if self.layout.beyond
            else ""
        )
        self.say(
            f"loaded {len(samples)} samples from {path}{note}{beyond}", seconds=8, error=bool(reasons), key="loading"
        )
        return True

    def _load_failed(self, reason):
        self.say(f"could not load {reason}; starting empty", seconds=10, error=True)
        print(f"could not load {reason}", file=sys.stderr)
        return False

    def autosave(self):
        """On quit: unsaved samples to a new file for `--load`; its path, None, or False when no folder was writable."""
        if not self.unsaved or not self.samples:
            return None
        path = sample_files.autosave(self.samples, self.sketch, self.task.name == "regression")
        if path is None:
            folders = " and ".join(map(str, sample_files.autosave_folders()))
            count = f"{len(self.samples)} sample" + ("" if len(self.samples) == 1 else "s")
            print(
                f"could not write the autosave file anywhere ({folders}): the disk is full or read-only",
                file=sys.stderr,
            )
            self.say(f"could not save your {count} anywhere: {folders} cannot be written", seconds=3600, error=True)
            return False
        print(
            f"{len(self.samples)} unsaved samples written to {path} (load them with --load {path} or --load last)",
            file=sys.stderr,
        )
        self.unsaved = False
        return path

    report_job = None  # the report being written (K), or the last one

    def write_report(self):
        """K: the lesson's record (canvas, curves, model, runs, knobs, samples) in a new report folder: read now,
        its curves drawn in the next frames (`_report_written`), encoded and written in the background; the bar says
        where it went."""
        if self.report_job is not None and self.report_job.running:
            self.say("still writing the report: a moment", key="report")
            return
        self.report_job = lesson_report.build(self).write_in_frames(self.sketch)
        self.say(WRITING, key="report")

    def _report_written(self):
        """Once a frame: draw a few of the report's pictures; say where a report just written went, or why not."""
        if self.report_job is not None:
            self.report_job.step()
        outcome = ended(self.report_job)
        if outcome is None:
            return
        folder, failure = outcome
        if folder is None:
            self.say(
                f"could not write the report: {unwritable(None, failure)} (your samples are still here)",
                seconds=10,
                error=True,
                key="report",
            )
        else:
            self.say(f"report written to {folder} (open report.html in a browser)", seconds=8, key="report")

    def finish_report(self):
        """At quit: a report still being drawn is drawn now and written (the window closes after it)."""
        if self.report_job is not None:
            self.report_job.wait()

    def save_network(self):
        """M: the trained network to a model file in the current folder, written in the background."""
        if self.mode != "predicting":
            self.say("train the network (T) before saving it", error=True)
            return
        self.network.save(f"{self.sketch}-network-{time.strftime('%Y%m%d-%H%M%S')}.model.pt")

    def _report_file(self, job):
        if job is None or job.running or getattr(job, "reported", False):
            return
        job.reported = True
        if job.status == "done":
            self.say(
                f"network saved to {job.result} (--load-model opens it)"
                if job.name == "saving"
                else "network loaded: click to hear what it predicts"
            )
        else:
            self.say(
                f"could not {'save' if job.name == 'saving' else 'load'} the network: {job.error}",
                seconds=10,
                error=True,
            )
