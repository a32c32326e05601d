"""One background job at a time, with its problems and notices kept as messages for the screen."""

import threading

from mlcore.data.datasets import DatasetError
from mlcore.image_engine.images import PipelineError
from mlcore.jobs import Cancelled, Job
from mlcore.ml.features import FeatureError
from mlcore.ml.trainer_process import TrainingError

EXPECTED = (DatasetError, FeatureError, PipelineError, TrainingError)  # bad input, said in its own words


class JobRunner:
    """Starts slow steps as Jobs, never two at once; what stops one becomes a line in `messages`.

    `on_ended(status)` is called on the job's thread when a step stops early ("cancelled" or "failed").
    """

    def __init__(self, on_ended=None):
        self.job: Job | None = None
        self.messages: list[str] = []
        self.on_ended = on_ended or (lambda status: None)
        self._start_lock = threading.Lock()

    @property
    def busy(self) -> bool:
        return self.job is not None and self.job.running

    def stop(self):
        """Ask the running job to stop; a training keeps what it learned up to the epoch it was in."""
        job = self.job
        if job is not None and job.running:
            job.cancel()
            self.note(f"stopping {job.name}...")

    def start(self, name, step, *args) -> Job:
        """Start `step(job, *args)` as a job unless one is running, in which case that one is returned, with a
        message."""
        with self._start_lock:
            running = self.job
            if running is not None and running.running:
                self.note(f"busy: {running.name} is still running; wait for it to finish or stop it")
                return running
            self.job = Job(name, self._guarded(step), *args)
            return self.job.start()

    def _guarded(self, step):
        """`step`, with whatever stops it turned into a message (the job itself keeps the error too)."""

        def run(job, *args):
            try:
                return step(job, *args)
            except Cancelled:
                self.on_ended("cancelled")
                self.note(f"{job.name} stopped")
                raise
            except Exception as error:
                self.on_ended("failed")
                if isinstance(error, EXPECTED):
                    self.note(str(error))
                else:  # a bug rather than bad input: the type helps whoever reports it
                    self.note(f"{job.name} failed: {type(error).__name__}: {error}")
                raise

        return run

    def note(self, text):
        """Add a message, unless it repeats the last one (a button pressed again and again says it once)."""
        if not self.messages or self.messages[-1] != text:
            self.messages.append(text)
