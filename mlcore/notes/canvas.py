"""The canvas of the two note sketches: samples, sound, messages, the training popup, the map, files and state.

The lesson's verbs (build the network, feed it, train on T, a new one on R, collect or predict on a click) live in
the sketch files; this is the machinery they draw and hear with.
"""

import sys
import time

import numpy as np
import pygame

from mlcore.ml.trainer_process import shared_trainer
from mlcore.notes import pitches
from mlcore.notes.audio import Speaker
from mlcore.notes.bars import draw_bars
from mlcore.notes.canvas_files import CanvasFiles, file_state
from mlcore.notes.maps import NetworkMap
from mlcore.notes.popup import draw_popup, popup_rect
from mlcore.notes.runs import RunsTable
from mlcore.notes.sample_files import Sample
from mlcore.notes.sample_layer import SampleLayer
from mlcore.notes.tasks import TASKS
from mlcore.widgets import theme, ui

TOP_BAR = 48
BOTTOM_BAR = 34


class NoteCanvas(CanvasFiles):
    """A canvas where notes are placed, heard, learnt and predicted. `task` is 'classification' or 'regression'.

    The sketch's host: the runtime calls its `draw`, `update`, `state`, `notice` and `quitting` for the sketch,
    and gives the mouse hooks the place `point_under` the pointer."""

    def __init__(self, task, width, height, octave=4, colours=None, sketch=None):
        self.task = TASKS[task]()
        self.sketch = sketch or task
        self.width, self.height = width, height
        self.top, self.bottom = TOP_BAR, height - BOTTOM_BAR
        self.octave = octave
        self.colours = dict(colours or pitches.COLOURS)
        self.paper = np.array(theme.current().paper, dtype=np.float64)
        self.samples = []        # Sample(x, y, note, frequency)
        self.predictions = []    # what clicks in predicting mode gave, all session long
        self.shown_from = 0      # the canvas shows the predictions of the current network only
        self.sounds = []         # every tone started, in order
        self.note = "C"
        self.network = None
        self.epochs = None       # of the latest training
        self.show_popup = False
        self.map = NetworkMap(width, height)
        self.sample_layer = SampleLayer((width, height))
        self.show_map = False
        self.runs = RunsTable(self.task.metric)
        self.messages = []       # (text, until, is_error) shown now
        self.message_log = []    # everything said, for the state JSON
        self.unsaved = False
        self.worker = None       # the training process that every network of the sketch trains in
        self.training_shown = None  # the training job whose start opened the popup
        self.model_file = None
        self.speaker = None
        self.seed = None

    @property
    def bounds(self):
        """The canvas's corners: the networks scale x and y from these to 0…1."""
        return [(0, 0), (self.width, self.height)]

    # -- set up ----------------------------------------------------------------------------------------------------
    def start(self, args):
        """The training process (torch loads there while the student collects), sound, --seed, --load and
        --load-model."""
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
        """Show `network` from now on, and have it train in the canvas's process (torch stays out of the window);
        a training of the one before stops. The popup opens when a training starts."""
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
        if not network.trained:
            self.runs.forget_current()
        self._show_training()

    @property
    def mode(self):
        if self.network is not None and self.network.training:
            return "training"
        return "predicting" if self.network is not None and self.network.trained else "collecting"

    def ready_to_train(self):
        """True when T can start a training; otherwise the canvas says why."""
        if self.mode == "training":
            self.say("already training: wait for it to finish (R stops it)")
            return False
        problem = self.task.why_not_ready(self.samples)
        if problem:
            self.say(problem, error=True)
        return problem is None

    def say(self, text, seconds=4.0, error=False):
        """A message along the bottom of the canvas for a few seconds."""
        self.messages.append((text, time.monotonic() + seconds, error))
        self.messages = self.messages[-3:]
        self.message_log.append(text)

    # -- the keys that only change what is shown ------------------------------------------------------------------
    def key_pressed(self, key):
        """A–G choose a note; P popup, V map, H runs, U or Backspace undo, S save, M save the network, F2 theme."""
        if len(key) == 1 and key.upper() in pitches.NAMES:
            self.note = key.upper()
        elif key == "p":
            self.show_popup = not self.show_popup
        elif key == "v":
            self.show_map = not self.show_map
            if self.show_map and self.mode != "predicting":
                self.say("the map appears once the network is trained (T)")
        elif key == "h":
            self.runs.visible = not self.runs.visible
        elif key in ("u", "backspace"):
            self.undo()
        elif key == "s":
            self.save()
        elif key == "m":
            self.save_network()
        elif key == "f2":
            self.toggle_theme()
            self.say(f"{theme.current().name} theme (F2 switches)")

    def toggle_theme(self):
        """The projector theme (larger text, stronger colours) or back to the default one."""
        theme.toggle()
        self.paper = np.array(theme.current().paper, dtype=np.float64)
        self.map.forget()

    # -- samples, sound, predictions ------------------------------------------------------------------------------
    def inside(self, x, y):
        """True on the drawing area (not on the bars): the runtime gives the mouse hooks the place `point_under`
        the pointer."""
        return 0 <= x < self.width and self.top <= y < self.bottom

    def frequency(self, note):
        return pitches.frequency(note, self.octave)

    def add_sample(self, x, y, note):
        self.samples.append(Sample(round(float(x), 1), round(float(y), 1), note, round(self.frequency(note), 2)))
        self.unsaved = True

    def undo(self):
        if self.samples:
            removed = self.samples.pop()
            self.unsaved = True
            self.say(f"removed the last sample ({removed.note})")
        else:
            self.say("nothing to undo")

    def play(self, note):
        self.play_frequency(self.frequency(note), note)

    def play_frequency(self, hz, note=None):
        if note is None:
            name, octave, _ = pitches.nearest_note(hz)
            note = f"{name}{octave}"
        self.sounds.append({"note": note, "frequency": round(float(hz), 2)})
        self.speaker.play(hz)

    def show_prediction(self, x, y, **result):
        rounded = {key: round(value, 4 if key == "confidence" else 2) if isinstance(value, float) else value
                   for key, value in result.items()}
        self.predictions.append({"x": round(float(x), 1), "y": round(float(y), 1), **rounded})

    # -- every frame ------------------------------------------------------------------------------------------------
    def update(self):
        """Pass the training's progress on, notice when it ends, say how a model file went."""
        network = self.network
        if network is None:
            return
        self._show_training()
        job = network.job
        if job is not None and job.status == "failed" and not getattr(job, "reported", False):
            job.reported = True
            self.say(f"training failed: {job.error}", seconds=8, error=True)
        self._report_file(network.file_job)
        if network.update():
            self.runs.add(network)
            self.show_popup = False  # the whole canvas is for predictions now; P brings the curves back
            self.say("trained: click to hear what the network predicts (P shows the curves)")

    def _show_training(self):
        """A training that has just started gets the popup, with its curves."""
        network = self.network
        if network.training and network.job is not self.training_shown:
            self.training_shown = network.job
            self.epochs = network.epochs
            self.show_popup = True

    def notice(self, text, seconds, error):
        """The runtime's news (a window made smaller to fit, a reload): on the canvas's own message bar."""
        self.say(text, seconds, error)

    def quitting(self):
        """Unsaved samples go to a file; False (no folder can be written) asks before closing."""
        return self.autosave()

    def carry_over(self, old):
        """After the sketch's file is reloaded: keep what the old canvas collected, heard, trained and said."""
        for name in ("samples", "predictions", "sounds", "note", "epochs", "show_popup", "show_map", "runs",
                     "messages", "message_log", "unsaved", "worker", "training_shown", "speaker"):
            setattr(self, name, getattr(old, name))
        kept = self.network is not None and self.network.same_shape(old.network) and old.network.trained
        self.shown_from = old.shown_from if kept else len(self.predictions)
        self.runs.current = self.runs.current if kept else None

    # -- drawing -------------------------------------------------------------------------------------------------------
    def popup_rect(self):
        return popup_rect(self.width, self.top, self.bottom)

    def view_rect(self):
        """Where the samples are drawn: between the bars, shrunk (same shape) left of the popup while it shows."""
        area = pygame.Rect(0, self.top, self.width, self.bottom - self.top)
        if not self.show_popup:
            return area
        room = self.popup_rect().x - 8
        factor = room / self.width
        return pygame.Rect(0, self.top, room, round(area.height * factor))

    def view_transform(self):
        """(factor, dx, dy): the canvas point (x, y) is drawn at (x * factor + dx, y * factor + dy)."""
        view = self.view_rect()
        factor = view.width / self.width
        return factor, view.x, view.y - self.top * factor

    def to_view(self, x, y):
        """Where the canvas point (x, y) is drawn now."""
        factor, dx, dy = self.view_transform()
        return (x * factor + dx, y * factor + dy)

    def point_under(self, x, y):
        """The canvas point drawn at (x, y): itself, unless the popup shrank the view (off it: off the canvas)."""
        view = self.view_rect()
        if view.width == self.width:
            return x, y
        factor = view.width / self.width
        return ((x - view.x) / factor, self.top + (y - view.y) / factor)

    def draw(self, screen):
        theme.begin_frame(screen)
        look = theme.current()
        screen.fill(look.paper)
        trained = self.mode == "predicting"
        view = self.view_rect()
        if self.show_map and trained:
            surface = self.map.surface_for(self.network.model, lambda model, grid: self.task.map_colours(
                model, grid, self))
            screen.blit(self.map.view(surface, (0, self.top, self.width, self.bottom - self.top), view.size), view)
        if view.width < self.width:
            pygame.draw.rect(screen, look.dim, view, max(1, look.stroke // 2))
        self.sample_layer.draw(screen, self.samples, self.colours, self.view_transform())
        for prediction in self.predictions[self.shown_from:]:
            self.task.draw_prediction(screen, prediction, self.to_view(prediction["x"], prediction["y"]))
        draw_bars(screen, self)
        if self.show_popup:
            draw_popup(screen, self.popup_rect(), self.network, self.task, self.epochs)
            ui.label(screen, "P: the canvas gets its room back", (view.x + 8, view.bottom + 8), size=look.small,
                     colour=look.dim)
        if self.runs.visible:
            self.runs.draw(screen, pygame.Rect(8, self.top + 8, self.width - 16, self.bottom - self.top - 16))

    # -- state ---------------------------------------------------------------------------------------------------------
    def state(self):
        network = self.network
        job = network.job if network is not None else None
        status = "idle" if job is None else ("running" if job.status == "done" and not network.trained else job.status)
        training = {"status": status, "epochs": self.epochs, "epochs_done": job.done if job else 0,
                    "error": job.error if job else "", "seconds": network.seconds if network else None,
                    "message": job.message if job else ""}
        if job is not None:
            training.update({key: list(values) for key, values in network.history.items()})
            training["layers"] = network.summary()
        samples = [{"x": s.x, "y": s.y, "label": s.note, **self.task.state_fields(s)} for s in self.samples]
        return {"sketch": self.sketch, "mode": self.mode, "note": self.note, "samples": samples,
                "predictions": list(self.predictions), "sounds": list(self.sounds), "training": training,
                "map": {"visible": self.show_map, "ms": self.map.ms}, "runs": self.runs.state(),
                "audio": {"available": bool(self.speaker and self.speaker.available),
                          "notice": self.speaker.notice if self.speaker else ""},
                "messages": list(self.message_log), "unsaved": self.unsaved, "display": theme.report(),
                "network_file": file_state(network.file_job if network is not None else None)}
