"""A large samples file read in a process of its own while the window runs; its samples made a slice a frame.

Reading 100,000 samples is a second of Python, and Python runs one thread of a process at a time: on a thread of
the window's process, every frame would wait for its turn, longer when another program keeps the cores busy. So
the child process (`start_child(__name__)`, this module's `main`) reads the file with `sample_files.read_samples`
and sends its progress, then the samples as columns of numbers (`SampleColumns`), pickled on its standard output;
the window's thread makes the `Sample`s from them, SAMPLES_PER_FRAME a frame (`SampleColumns.make`), and places
them on the canvas in the frame after.
"""

import gc
import json
import os
import pickle
import subprocess
import sys
from array import array

from mlcore.jobs import start_child
from mlcore.notes.sample_files import Sample, SampleFileError, read_samples

SAMPLES_PER_FRAME = 10_000  # samples made from the columns in one frame: a few milliseconds


class SampleColumns:
    """Samples as columns (places and frequencies as arrays of numbers, notes as indices into `names`): what the
    child sends, small to pickle; `make` turns them into `Sample`s a slice at a time."""

    def __init__(self, samples):
        self.xs = array("d", (sample.x for sample in samples))
        self.ys = array("d", (sample.y for sample in samples))
        self.frequencies = array("d", (sample.frequency for sample in samples))
        self.names = sorted({sample.note for sample in samples})
        numbers = {name: number for number, name in enumerate(self.names)}
        self.notes = array("H", (numbers[sample.note] for sample in samples))
        self.made = []  # the Samples made so far (in the window's process)

    def __getstate__(self):
        return {**self.__dict__, "made": []}

    @property
    def finished(self):
        """Whether every Sample is made (they are `self.made`)."""
        return len(self.made) == len(self.xs)

    def make(self, count=SAMPLES_PER_FRAME):
        """Make up to `count` more Samples."""
        start = len(self.made)
        stop = min(start + count, len(self.xs))
        names = self.names
        self.made += [
            Sample(x, y, names[note], frequency)
            for x, y, note, frequency in zip(
                self.xs[start:stop].tolist(),
                self.ys[start:stop].tolist(),
                self.notes[start:stop].tolist(),
                self.frequencies[start:stop].tolist(),
            )
        ]


def read_in_child(job, path, wants_number, notes):
    """On a job's thread (it only waits for the child): (SampleColumns, skipped, reasons) of the file, as
    `read_samples` finds them with every place kept; the child's progress goes to `job.report`. Raises
    SampleFileError with the child's sentence; the child is stopped when the job is cancelled."""
    request = json.dumps({"path": str(path), "wants_number": wants_number, "notes": notes})
    child = start_child(__name__, request, stdout=subprocess.PIPE)
    try:
        while True:
            try:
                kind, *content = pickle.load(child.stdout)  # only this module's main writes there
            except (EOFError, pickle.UnpicklingError):
                raise SampleFileError(f"{path}: the process reading it stopped unexpectedly") from None
            if kind == "progress":
                job.report(*content)
            elif kind == "failed":
                raise SampleFileError(content[0])
            else:
                return tuple(content)
    finally:
        child.stdout.close()
        child.kill()
        child.wait()


def main():
    """The child: read the file the request names, send ("progress", done, total)… then ("read", columns, skipped,
    reasons) or ("failed", sentence)."""
    out = sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not corrupt the messages
    if hasattr(os, "nice"):
        os.nice(10)  # background work: the window's frames come first when both want a core
    gc.disable()  # a process this short frees everything as it ends: the collector's passes would only slow it

    def send(*message):
        pickle.dump(message, out)
        out.flush()

    request = json.loads(sys.argv[1])
    try:
        samples, skipped, reasons = read_samples(
            request["path"],
            lambda x, y: True,
            wants_number=request["wants_number"],
            notes=request["notes"],
            progress=lambda done, total: send("progress", done, total),
        )
    except SampleFileError as error:
        send("failed", str(error))
        return
    send("read", SampleColumns(samples), skipped, reasons)
