"""The canvas of the two note sketches: samples, sound, messages, the training popup, the map, files and state.

The lesson's verbs (build the network, feed it, train on T, a new one on R, collect or predict on a click) live in
the sketch files; this is the machinery they draw and hear with.
"""

import sys

import numpy as np

from mlcore.ml.trainer_process import shared_trainer
from mlcore.notes import arguments, knobs, pitches
from mlcore.notes.audio import Speaker
from mlcore.notes.canvas_files import CanvasFiles
from mlcore.notes.canvas_keys import press
from mlcore.notes.canvas_state import SampleRecords, canvas_state
from mlcore.notes.listening import Listening
from mlcore.notes.maps import NetworkMap
from mlcore.notes.messages import Messages
from mlcore.notes.note_set import NoteSet
from mlcore.notes.popup import CurvePace
from mlcore.notes.runs import RunsTable
from mlcore.notes.sample_files import Sample
from mlcore.notes.sample_layer import SampleLayer
from mlcore.notes.scene import Scene
from mlcore.notes.tasks import TASKS
from mlcore.notes.view import BOTTOM_BAR, TOP_BAR, CanvasView  # noqa: F401 (the bars' heights, for tests)
from mlcore.runtime import keyboard
from mlcore.widgets import theme


class NoteCanvas(CanvasFiles, knobs.CanvasKnobs):
    """A canvas where notes are placed, heard, learnt and predicted. `task` is 'classification' or 'regression'.

    The sketch's host: the runtime calls its `draw`, `update`, `state`, `notice` and `quitting` for the sketch,
    and gives the mouse hooks the place `point_under` the pointer."""

    def __init__(self, task, width, height, octave=4, colours=None, sketch=None, notes=None, curve_seconds=2.0):
        self.task = TASKS[task]()
        self.sketch = sketch or task
        self.width, self.height = width, height = knobs.usable_size(width, height)
        self.layout = CanvasView(width, height)  # the bars, the popup's column, the view of the canvas
        self.top, self.bottom = self.layout.top, self.layout.bottom
        self.octave = octave if knobs.good_octave(octave) else 4
        self.notes = NoteSet(pitches.scale(octave=self.octave) if notes is None else notes, colours, self.octave)
        self.colours = self.notes.colours  # every note's (A–G's always: the maps blend between them)
        self.paper = np.array(theme.current().paper, dtype=np.float64)
        self.samples, self.sample_records = [], SampleRecords()  # Sample(x, y, note, frequency); as the state has them
        self.predictions = []  # what clicks in predicting mode gave, all session long
        self.shown_from = 0  # the canvas shows the predictions of the current network only
        self.sounds = []  # every tone started, in order
        self.listening = Listening()  # every drag: the latest one's voice and trail
        self.note = self.notes.first()  # the note chosen now: a sample of it is added on a click
        self.network = None
        self.epochs = None  # of the latest training
        self.show_popup = False
        self.pace = CurvePace(curve_seconds)  # the popup draws a training's curves over at least this long
        self.map = NetworkMap(width, height)
        self.sample_layer = SampleLayer((width, height))
        self.show_map = False
        self.runs = RunsTable(self.task.metric)
        self.messages = Messages()  # one at a time on the bottom bar; everything said is in its log
        self.mode_seen = "collecting"
        self.scene = Scene()
        self.unsaved, self.loading = False, None  # samples not saved yet; the job reading a large --load file
        self.worker = None  # the training process that every network of the sketch trains in
        self.training_shown = None  # the training job whose start opened the popup
        self.model_file = self.speaker = self.seed = None  # --load-model's file, the sound, --seed (set by start)

    @property
    def bounds(self):
        """The canvas's corners (grown to samples loaded beyond it): the networks scale x and y from these to 0…1."""
        return self.layout.bounds()

    # -- set up ----------------------------------------------------------------------------------------------------
    def start(self, args):
        """`canvas.start(args)` in setup: sound, --seed, --load, --load-model, and the training process (torch loads
        there while the student collects)."""
        self.worker = shared_trainer()  # starting a process takes milliseconds; loading torch is its own job
        self.seed = args.seed
        self.model_file = getattr(args, "load_model", None)
        if getattr(args, "projector", False) and theme.current().name != "projector":
            self.toggle_theme()
        self.speaker = Speaker()
        if self.speaker.notice:
            self.say(self.speaker.notice)
            print(self.speaker.notice, file=sys.stderr)
        if args.load:
            self.load(args.load)

    def use(self, network):
        """`canvas.use(network)`: show it from now on and train it in the canvas's process (torch stays out of the
        window); a training of the one before stops. The popup opens when a training starts."""
        if self.network is not None and self.network is not network:
            self.network.stop()
        self.network = network
        if self.worker is not None:
            network.worker = self.worker
        if self.model_file:  # --load-model: the sketch's first network takes the saved weights
            network.load(self.model_file)
            self.model_file = None
        self.shown_from = len(self.predictions)
        self.map.forget()
        self.listening.forget()
        if not network.trained:
            self.runs.forget_current()
        self._show_training()

    @property
    def mode(self):
        if self.network is not None and self.network.training:
            return "training"
        return "predicting" if self.network is not None and self.network.trained else "collecting"

    def ready_to_train(self):
        """`if canvas.ready_to_train():` True when T can start a training; otherwise the canvas says why."""
        if self.mode == "training":
            self.say("already training: wait for it to finish (R stops it)")
            return False
        problem = (
            next(iter(self.knob_problems), None)
            or (self.loading and f"still loading {self.loading.path}: T trains once its samples are here")
            or getattr(self.network, "problem", None)
            or self.task.why_not_ready(self.samples)
        )
        if problem:
            self.say(problem, error=True)
        return problem is None

    def say(self, text, seconds=4.0, error=False, key=None):
        """`canvas.say("saved")`: a message along the bottom for a few seconds (after the one showing; `error=True`:
        red); one with the same `key` replaces the one before, and news of a mode goes when the mode changes."""
        self.messages.say(text, seconds, error, self.mode, key)

    # -- the keys that only change what is shown ------------------------------------------------------------------
    def key_pressed(self, key):
        """`canvas.key_pressed(key)`: a note's key chooses it; P popup, V map, H runs, U undo, S, M save, K report,
        F2 theme (`canvas_keys.press`)."""
        press(self, key)

    def toggle_theme(self):
        """The projector theme (larger text, stronger colours) or back to the default one."""
        theme.toggle()
        self.paper = np.array(theme.current().paper, dtype=np.float64)
        self.map.forget()

    # -- samples, sound, predictions ------------------------------------------------------------------------------
    def inside(self, x, y):
        """`canvas.inside(x, y)`: True on the canvas (between the bars, or what it grew to for samples loaded beyond
        it); the mouse hooks get the place `point_under` the pointer."""
        return self.layout.contains(x, y)

    def held_note(self):
        """`canvas.held_note()`: the note whose key is held down now, or None (the chosen one when held, else any)."""
        held = [self.notes.keys[key] for key in sorted(keyboard.held) if key in self.notes.keys]
        return self.note if self.note in held else (held[0] if held else None)

    def frequency(self, note):
        """A note's frequency in Hz, from NOTES: canvas.frequency("A") is 440.0 in octave 4."""
        return self.notes.frequency(note, self.samples, self.octave)

    def add_sample(self, x, y, note):
        """Collect a sample: the place (x, y) teaches `note`. canvas.add_sample(x, y, canvas.note)"""
        arguments.check_place("add_sample(x, y, note)", x, y)
        self.notes.check(note, "add_sample(x, y, note)")
        self.samples.append(Sample(round(float(x), 1), round(float(y), 1), note, round(self.frequency(note), 2)))
        self.unsaved = True
        x0, y0, x1, y1 = self.layout.canvas
        if self.layout.beyond or not (x0 <= x < x1 and y0 <= y < y1):  # beyond the canvas: the view takes it in
            self.layout.fit(self.samples)
        if self.network is not None and self.network.trained:
            self.say(f"added a sample of {note}: T trains again with it", key="added")

    def undo(self):
        """U: take the last sample back. canvas.undo()"""
        if self.samples:
            removed = self.samples.pop()
            self.unsaved = True
            self.layout.fit(self.samples)
            self.say(f"removed the last sample ({removed.note})", key="undo")
        else:
            self.say("nothing to undo", key="undo")

    def play(self, note):
        """Sound one of the sketch's notes: canvas.play(canvas.note), or canvas.play(label) for a prediction."""
        self.play_frequency(self.notes.frequency(note, self.samples, self.octave, "play(note)"), note)

    def play_frequency(self, hz, note=None):
        """Sound any pitch, in Hz: canvas.play_frequency(347.2) (a regression's answer; `note` names it)."""
        arguments.check_frequency("play_frequency(hz)", hz)
        if note is None:
            name, octave, _ = pitches.nearest_note(hz)
            note = f"{name}{octave}"
        self.sounds.append({"note": note, "frequency": round(float(hz), 2)})
        self.speaker.play(hz)

    def listen(self, x, y, **answer):
        """While a drag goes on, the answer at (x, y) sounds and joins the drag's trail: canvas.listen(x, y,
        label="C", confidence=0.93), or for a regression canvas.listen(x, y, frequency=347.2)."""
        self.listening.hear(self, x, y, answer)

    def mouse_released(self, x, y, button):
        """The button is let go: a drag's voice fades out (its trail stays until the next drag)."""
        self.listening.stop(self.speaker)

    def show_prediction(self, x, y, **result):
        """Draw the network's answer at (x, y): canvas.show_prediction(x, y, label="C", confidence=0.93), or for a
        regression canvas.show_prediction(x, y, frequency=347.2, nearest_note="F4", cents=-11.1)."""
        arguments.check_prediction(self.task.name, x, y, result)
        rounded = {
            key: round(value, 4 if key == "confidence" else 2) if isinstance(value, float) else value
            for key, value in result.items()
        }
        self.predictions.append({"x": round(float(x), 1), "y": round(float(y), 1), **rounded})

    # -- every frame ------------------------------------------------------------------------------------------------
    def update(self):
        """Pass the training's progress on, notice when it ends, say how a model file, a report and a large
        --load went."""
        self._report_written()
        self.update_loading()
        network = self.network
        if network is None:
            return
        self._mode_changes()
        self._show_training()
        job = network.job
        if job is not None and job.status == "failed" and not getattr(job, "reported", False):
            job.reported = True
            self.say(f"training failed: {job.error}", seconds=8, error=True)
        self._report_file(network.file_job)
        if network.update():  # the network answers at once; the popup goes on drawing its curves in, until P
            self.runs.add(network)
            self._mode_changes()
            self.say("trained: click to hear what the network predicts")

    def _mode_changes(self):
        """News said in another mode goes (the bars never contradict each other)."""
        if self.mode != self.mode_seen:
            self.mode_seen = self.mode
            self.messages.mode_changed(self.mode)

    def epochs_shown(self):
        """How many epochs of the latest training the popup draws now (at a pace a class can follow)."""
        return self.pace.shown(self.network.job if self.network is not None else None)

    def _show_training(self):
        """A training that has just started gets the popup, with its curves."""
        network = self.network
        if network.training and network.job is not self.training_shown:
            self.training_shown = network.job
            self.epochs = network.epochs
            self.show_popup = True

    def animating(self):
        """Whether the picture moves on its own (a file's samples coming in, a training, its curves drawing in): the
        runtime keeps drawing at full speed; otherwise, with no one at the keys or the mouse, a few frames a second do."""
        job = self.network and self.network.job
        training = job is not None and (self.network.training or self.epochs_shown() < (job.total or job.done))
        return training or self.samples_coming_in()

    def notice(self, text, seconds, error):
        """The runtime's news (a window made smaller to fit, a reload): on the canvas's own message bar."""
        self.say(text, seconds, error)

    def quitting(self):
        """A report K began is finished; unsaved samples go to a file; False (none can be written) asks first."""
        self.finish_report()
        return self.autosave()

    def carry_over(self, old):
        """After the sketch's file is reloaded: keep what the old canvas collected, heard, trained and said."""
        for name in (
            "samples",
            "predictions",
            "sounds",
            "note",
            "epochs",
            "show_popup",
            "show_map",
            "runs",
            "messages",
            "mode_seen",
            "pace",
            "unsaved",
            "worker",
            "training_shown",
            "speaker",
            "report_job",
            "listening",
        ):
            setattr(self, name, getattr(old, name))
        self.note = self.notes.carried(self.note, self.samples)
        if knobs.resized(old, self):
            self.say(knobs.resized(old, self), seconds=8)
        self.layout.fit(self.samples)
        kept = self.network is not None and self.network.same_shape(old.network) and old.network.trained
        self.shown_from = old.shown_from if kept else len(self.predictions)
        self.runs.current = self.runs.current if kept else None

    # -- drawing -------------------------------------------------------------------------------------------------------
    def popup_rect(self):
        return self.layout.popup_rect()

    def view_rect(self):
        """Where the canvas is drawn: between the bars, shrunk (same shape) left of the popup while it shows, and
        smaller when samples loaded beyond the canvas widen the world it shows."""
        return self.layout.view_rect(self.show_popup)

    def view_transform(self):
        """(factor, dx, dy): the canvas point (x, y) is drawn at (x * factor + dx, y * factor + dy)."""
        return self.layout.transform(self.show_popup)

    def to_view(self, x, y):
        """Where the canvas point (x, y) is drawn now."""
        return self.layout.to_view(x, y, self.show_popup)

    def point_under(self, x, y):
        """The canvas point drawn at (x, y) (off the view: off the canvas; while the runs table shows: none)."""
        if self.runs.visible:
            return (float("nan"), float("nan"))
        return self.layout.to_canvas(x, y, self.show_popup)

    def draw(self, screen):
        self.scene.draw(screen, self)

    # -- state ---------------------------------------------------------------------------------------------------------
    def state(self):
        """What the canvas holds and shows, as plain JSON values (`canvas_state`)."""
        return canvas_state(self)
