"""Training in a process of its own, so that torch never enters the window's process.

Loading torch takes seconds and holds Python's lock while it does; a training holds it between its steps. In a
thread of the window's process both stall the frames. `TrainerProcess` starts `python -m mlcore.ml.trainer_process`
once (it imports torch and warms it up while the student collects), sends it trainings, and receives each epoch's
logs as they come, then the trained weights as numpy arrays (`NumpyMLP`), which answer clicks and draw the maps in
the window without torch.

Messages are pickled both ways over the child's standard input and output; the child is this module, nothing else
is ever unpickled from it. The child ends when its standard input closes, so it never outlives the window.
"""

import atexit
import itertools
import os
import pickle
import queue
import sys
import threading
import time

from mlcore.files import cache_dir, write_atomically
from mlcore.jobs import Cancelled, start_child
from mlcore.ml.models import MLPClassifier, MLPRegressor
from mlcore.ml.numpy_mlp import NumpyMLP

_CORES = max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


class TrainingError(RuntimeError):
    """The training process failed or stopped; the message says why."""


STOPPED = "the training process stopped unexpectedly"
NO_ANSWER = "the training process did not answer, so a new one was started"
# A request not taken within ANSWER_SECONDS gets a ping; a ping not answered as long means the process hangs. A busy
# laptop can keep a working process off its core for seconds: a hang is found within ten.
ANSWER_SECONDS = 5.0
AGAIN = {"train": "press T to try again"}  # what the person does next, by request; others: "try again"


class _NoAnswer(Exception):
    """The child did not answer a ping: stopped (SIGSTOP) or stuck."""


class TrainerProcess:
    """The parent's side: one child process, any number of trainings one after the other."""

    def __init__(self):
        self.process = None
        self.ready = threading.Event()
        self._waiting = {}  # training id → the queue its messages go to
        self._owners = {}  # training id → the child process it was sent to
        self._ids = itertools.count(1)
        self._send_lock = threading.Lock()
        self._started_at = None

    def start(self):
        """Start the child (once); returns at once, while it loads torch."""
        import subprocess

        if self.process is not None and self.process.poll() is None:
            return self
        self.ready.clear()
        self._started_at = time.monotonic()
        self.process = start_child(__name__, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        threading.Thread(target=self._read, args=(self.process,), name="trainer messages", daemon=True).start()
        atexit.register(self.close)
        return self

    def seconds_to_ready(self):
        """About how many seconds until torch is loaded in the child (from how long it took last time); 0 once
        it is."""
        if self.ready.is_set():
            return 0
        elapsed = time.monotonic() - self._started_at if self._started_at is not None else 0.0
        return max(1, round(_expected_load_seconds() - elapsed))

    def close(self):
        """End the child: it finishes when its input closes."""
        process = self.process
        if process is not None and process.poll() is None:
            if not self.ready.is_set():  # still loading torch: nothing of the student's is in it
                process.kill()
                return
            try:
                process.stdin.close()
                process.wait(timeout=5)
            except Exception:  # it may already be gone; the point is only that it does not linger
                process.kill()

    def _send(self, message):
        with self._send_lock:
            pickle.dump(message, self.process.stdin)
            self.process.stdin.flush()

    def _read(self, process):
        try:
            while True:
                message = pickle.load(process.stdout)
                if message[0] == "ready":
                    _remember_load_seconds(time.monotonic() - self._started_at)
                    self.ready.set()
                elif message[1] in self._waiting:
                    self._waiting[message[1]].put(message)
        except (EOFError, OSError, pickle.UnpicklingError):
            pass
        for request, waiting in list(self._waiting.items()):
            if self._owners.get(request) is process:  # not the requests of the process that replaced it
                waiting.put(("failed", None, STOPPED))

    def fit(self, model, inputs, outputs, on_epoch=None, should_stop=lambda: False, groups=None, on_wait=None):
        """Train `model` (an unfitted MLPClassifier or MLPRegressor: its settings travel, not the object) in the
        child; `on_epoch(epoch, logs)` as epochs end, `should_stop()` ends it after the current epoch. Returns the
        trained network as a `NumpyMLP`.

        `on_wait(seconds)`, until the training starts: about how long until torch is loaded in the child."""
        if type(model) not in (MLPClassifier, MLPRegressor):
            raise TypeError(f"a {type(model).__name__} cannot travel to the training process: train it with InProcess")
        return self._ask(
            "train",
            (type(model).__name__, model.settings(), inputs, outputs, groups),
            on_epoch,
            should_stop,
            on_wait=on_wait,
        )

    def extract(
        self,
        name,
        images,
        stored=None,
        cache_folder=None,
        device=None,
        progress=None,
        should_stop=lambda: False,
        on_wait=None,
    ):
        """`mlcore.ml.features.extract` in the child (through the disk cache under `cache_folder`, if given).
        Returns (vectors, {"compute_device", "cache_hits", "warning"})."""
        return self._ask(
            "extract",
            (name, images, stored, cache_folder, device),
            progress=progress,
            should_stop=should_stop or (lambda: False),
            on_wait=on_wait,
        )

    def save_model(self, path, model, classes=None, extractor=""):
        """Write a trained `NumpyMLP` as a model file (`mlcore.ml.model_io`'s safe format), with its classes and
        what its inputs are (`extractor`); returns the path as text."""
        return self._ask("save", (str(path), model.settings(), model.exported, extractor, classes))

    def load_model(self, path):
        """(NumpyMLP, metadata) of a model file; a file that cannot be used raises TrainingError with why."""
        return self._ask("load", (str(path),))

    def _ask(self, kind, arguments, on_epoch=None, should_stop=lambda: False, progress=None, on_wait=None):
        self.start()
        self._wait_until_ready(on_wait, should_stop)
        request = next(self._ids)
        messages = self._waiting[request] = queue.Queue()
        self._owners[request] = self.process
        try:
            self._send((kind, request, *arguments))
            return self._follow(request, messages, on_epoch or (lambda epoch, logs: None), should_stop, progress)
        except (OSError, _NoAnswer, TrainingError) as error:
            if isinstance(error, TrainingError) and str(error) != STOPPED:
                raise  # the child's own answer: a file that is no model, a setting it refused
            self._replace()  # dead, or hung: the next request goes to a new process, loading torch meanwhile
            said = NO_ANSWER if isinstance(error, _NoAnswer) else STOPPED
            raise TrainingError(f"{said}: {AGAIN.get(kind, 'try again')}") from None
        except BaseException:
            if self.process.poll() is None:
                try:
                    self._send(("cancel", request))
                except OSError:
                    pass  # it ended meanwhile: nothing to cancel
            raise
        finally:
            del self._waiting[request], self._owners[request]

    def _replace(self):
        """End the child (dead, or not answering) and start another."""
        process = self.process
        if process is not None and process.poll() is None:
            process.kill()
        self.process = None
        self.start()

    def _wait_until_ready(self, on_wait, should_stop):
        """While torch loads in the child: `on_wait(seconds)` counts down (nothing at all once it has loaded);
        `should_stop()` ends the wait. Requests go only to a ready child: a large one (a dataset's images) would
        otherwise fill the pipe and wait unseen."""
        while not self.ready.is_set():  # the countdown shows at once, then every tenth of a second
            if should_stop():
                raise Cancelled()
            if self.process.poll() is not None:
                return  # it died while loading: the request fails with that message
            if on_wait is not None:
                on_wait(self.seconds_to_ready())
            self.ready.wait(0.1)

    def _follow(self, training, messages, on_epoch, should_stop, progress):
        asked_to_stop = started = False
        pinged, heard = None, time.monotonic()  # when the last ping went, when the child last said anything
        while True:
            if should_stop() and not asked_to_stop:  # checked between messages too: they may never pause
                self._send(("cancel", training))
                asked_to_stop = True
            try:
                message = messages.get(timeout=0.05)
            except queue.Empty:
                pinged = self._check_alive(training, started, pinged, heard)
                continue
            kind = message[0]
            heard, pinged = time.monotonic(), None
            if kind == "pong":  # alive, busy with an earlier request
                continue
            started = True  # the child has taken the request: torch is loaded
            if kind == "epochs":
                for epoch, logs in message[2]:
                    on_epoch(epoch, logs)
            elif kind == "progress" and progress is not None:
                progress(message[2], message[3])
            elif kind == "extracted":
                return message[2], message[3]
            elif kind == "cancelled":
                raise Cancelled()
            elif kind == "done":
                return NumpyMLP(message[2])
            elif kind == "saved":
                return message[2]
            elif kind == "loaded":
                return NumpyMLP(message[2]), message[3]
            elif kind == "failed":
                raise TrainingError(message[2])

    def _check_alive(self, request, started, pinged, heard):
        """While a request waits to be taken by a child that has loaded torch: a ping after ANSWER_SECONDS of
        silence, _NoAnswer when that ping is not answered as long. Returns when the ping went (or None)."""
        now = time.monotonic()
        if started or not self.ready.is_set():
            return pinged
        if pinged is None and now - heard > ANSWER_SECONDS:
            self._send(("ping", request))
            return now
        if pinged is not None and now - pinged > ANSWER_SECONDS:
            raise _NoAnswer()
        return pinged


_LOAD_SECONDS = "torch-load-seconds.txt"  # in the cache folder: about how long torch takes to load here
_FIRST_GUESS = 4.0  # before any load: a laptop of the course's kind


def _stored_load_seconds():
    try:
        return float((cache_dir() / _LOAD_SECONDS).read_text())
    except (OSError, ValueError):
        return None


def _expected_load_seconds():
    known = _stored_load_seconds()
    return _FIRST_GUESS if known is None else known


def _remember_load_seconds(seconds):
    """A faster load replaces the estimate; a slower one moves it halfway, so that one load on a busy computer does
    not start every later countdown at its minute."""
    known = _stored_load_seconds()
    if known is not None and seconds > known:
        seconds = (seconds + known) / 2
    try:
        write_atomically(cache_dir() / _LOAD_SECONDS, f"{seconds:.1f}")
    except OSError:
        pass  # a read-only cache folder: the countdown guesses next time


_shared = None


def shared_trainer():
    """The one trainer process of this program, started on first use."""
    global _shared
    if _shared is None:
        _shared = TrainerProcess()
    return _shared.start()


# -- the child's side ------------------------------------------------------------------------------------------------


def main():
    """Load torch, warm it up, then train what arrives on standard input until it closes."""
    out = sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not corrupt the messages
    if hasattr(os, "nice"):
        os.nice(10)  # background work: the window's frames come first when both want a core
    send_lock = threading.Lock()

    def send(message):
        with send_lock:
            pickle.dump(message, out)
            out.flush()

    import torch

    from mlcore.ml.warmup import warm_up

    torch.set_num_threads(1)  # tiny networks: one thread is fastest, and leaves the other core to the window
    warm_up()
    send(("ready",))
    requests, cancelled = queue.Queue(), set()
    threading.Thread(target=_receive, args=(sys.stdin.buffer, requests, cancelled, send), daemon=True).start()
    while (request := requests.get()) is not None:
        kind, number, *arguments = request
        try:
            send(_answer(kind, number, arguments, send, cancelled))
        except Cancelled:
            send(("cancelled", number))
        except Exception as error:  # the parent shows it on screen
            own = type(error).__module__.startswith("mlcore")  # the project's errors are written for students
            send(("failed", number, str(error) if own else f"{type(error).__name__}: {error}"))


def _answer(kind, number, arguments, send, cancelled):
    """Do one request in the child; the message that answers it. Each kind imports only what it uses: a training
    answers at once, where loading the model files' module first would add 15-30 ms to a student's first T."""
    from mlcore.ml.numpy_mlp import export, restore

    models = {"MLPClassifier": MLPClassifier, "MLPRegressor": MLPRegressor}
    if kind == "train":
        name, settings, inputs, outputs, groups = arguments
        send(("started", number))
        model = models[name](**settings)
        epochs_ended = _EpochsInFrames(number, send)
        model.fit(inputs, outputs, on_epoch=epochs_ended, should_stop=lambda: number in cancelled, groups=groups)
        epochs_ended.flush()
        return ("done", number, export(model))
    if kind == "extract":
        return _extract(number, arguments, send, cancelled)
    from mlcore.ml.model_io import load_model, save_model

    if kind == "save":
        path, settings, exported, extractor, classes = arguments
        model = restore(exported, (MLPClassifier if exported["classes"] else MLPRegressor)(**settings))
        return ("saved", number, str(save_model(path, model, classes, extractor=extractor)))
    model, metadata = load_model(arguments[0])
    return ("loaded", number, export(model), metadata)


class _EpochsInFrames:
    """The epochs' logs, sent a frame's worth at a time: a tiny network ends an epoch every millisecond or so, and
    one message per epoch would cost the training more than the epochs themselves."""

    SECONDS = 0.015  # about a frame: the curves still grow smoothly

    def __init__(self, number, send):
        self.number, self.send = number, send
        self.waiting, self.sent_at = [], time.monotonic()

    def __call__(self, epoch, logs):
        self.waiting.append((epoch, logs))
        if time.monotonic() - self.sent_at >= self.SECONDS:
            self.flush()

    def flush(self):
        if self.waiting:
            self.send(("epochs", self.number, self.waiting))
            self.waiting, self.sent_at = [], time.monotonic()


def _extract(number, arguments, send, cancelled):
    """Feature vectors of the images (through the disk cache), with progress as batches end."""
    import torch

    from mlcore.ml.in_process import InProcess

    name, images, stored, cache_folder, device = arguments
    torch.set_num_threads(_CORES)  # a big network on many images: every core (training goes back to one)
    try:
        vectors, facts = InProcess().extract(
            name,
            images,
            stored,
            cache_folder,
            device,
            progress=lambda done, total: send(("progress", number, done, total)),
            should_stop=lambda: number in cancelled,
        )
    finally:
        torch.set_num_threads(1)
    return ("extracted", number, vectors, facts)


def _receive(stream, requests, cancelled, send):
    """The child's input, read beside its work: cancels and pings are answered at once, requests queued."""
    while True:
        try:
            message = pickle.load(stream)
        except (EOFError, OSError, pickle.UnpicklingError):
            requests.put(None)
            return
        if message[0] == "ping":  # the parent asks whether this process still answers
            send(("pong", message[1]))
        elif message[0] == "cancel":
            cancelled.add(message[1])
        else:
            requests.put(message)


if __name__ == "__main__":
    main()
