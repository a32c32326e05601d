"""The canvas of the two note sketches: samples, sound, training popup, maps, saving, undo and state.

The sketches (`sketches/classification.py`, `sketches/regression.py`) keep the lesson's steps: choose a note,
click to collect, train, click to predict. Everything they share lives here, so each sketch file stays short.
"""

import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import pygame

from mlcore.notes import pitches

from mlcore.widgets import charts, ui
from mlcore.notes.audio import Speaker
from mlcore.files import write_atomically
from mlcore.ml.neural_network import NeuralNetwork
from mlcore.runtime import frames
from mlcore.ml.warmup import preload_torch

TOP_BAR = 48
BOTTOM_BAR = 34
MAP_CELLS = (120, 75)  # the decision map's resolution: one cell per 8 × 8 canvas pixels
SAMPLE_RADIUS = 16


def viridis(t):
    """A perceptually even colour scale (dark purple → teal → yellow) for t in [0, 1], as uint8 RGB."""
    stops = np.array([[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]], dtype=np.float64)
    t = np.clip(np.asarray(t, dtype=np.float64), 0, 1) * (len(stops) - 1)
    low = np.minimum(t.astype(int), len(stops) - 2)
    mix = (t - low)[..., None]
    return (stops[low] * (1 - mix) + stops[low + 1] * mix).astype(np.uint8)


class NoteBoard:
    """A canvas where notes are placed, learnt and predicted. `task` is 'classification' or 'regression'."""

    def __init__(self, task, width, height, epochs=200, hidden_layers=(16,), learning_rate=0.05, batch_size=16,
                 validation_split=0.2, octave=4, colours=None, sketch=None):
        self.task = task
        self.sketch = sketch or task
        self.width, self.height = width, height
        self.epochs = epochs
        self.octave = octave
        self.colours = dict(colours or pitches.COLOURS)
        self.network_options = dict(hidden_layers=hidden_layers, learning_rate=learning_rate, batch_size=batch_size,
                                    validation_split=validation_split, input_bounds=[(0, 0), (width, height)])
        self.samples = []        # {"x", "y", "label"} (+ "target" in Hz for regression)
        self.predictions = []    # what clicks in predicting mode gave, all session long
        self.shown_from = 0      # the canvas shows the predictions of the current network only
        self.sounds = []         # every tone started, in order
        self.note = "C"
        self.trained = False
        self.show_popup = False
        self.show_map = False
        self.map_surface = None
        self.map_version = None
        self.map_ms = None
        self.messages = []       # (text, until, is_error) shown now
        self.message_log = []    # everything said, for the state JSON
        self.unsaved = False
        self.torch_thread = None
        self.speaker = None
        self.network = None
        self.seed = None

    # -- set up ------------------------------------------------------------------------------------------------
    def start(self, args):
        """Sound, the network, and the samples of --load."""
        self.seed = args.seed
        self.network = NeuralNetwork(self.task, seed=self.seed, **self.network_options)
        self.speaker = Speaker()
        if self.speaker.notice:
            self.say(self.speaker.notice)
            print(self.speaker.notice, file=sys.stderr)
        if args.load:
            self.load(args.load)

    @property
    def mode(self):
        if self.network.job and self.network.job.running:
            return "training"
        return "predicting" if self.trained else "collecting"

    def say(self, text, seconds=4.0, error=False):
        """A message along the bottom of the canvas for a few seconds."""
        self.messages.append((text, time.monotonic() + seconds, error))
        self.messages = self.messages[-3:]
        self.message_log.append(text)

    def key_pressed(self, key):
        """The keys both note sketches share."""
        if key.upper() in pitches.NAMES and len(key) == 1:
            self.select(key)
        elif key == "t":
            self.train()
        elif key == "r":
            self.reset()
        elif key == "p":
            self.toggle_popup()
        elif key == "v":
            self.toggle_map()
        elif key in ("u", "backspace"):
            self.undo()
        elif key == "s":
            self.save()

    # -- step 1 and 2: choose a note, collect ----------------------------------------------------------------------
    def select(self, note):
        self.note = note.upper()

    def frequency(self, note):
        return pitches.frequency(note, self.octave)

    def inside(self, x, y):
        """True on the drawing area (not on the bars, not under the popup)."""
        if not (0 <= x < self.width and TOP_BAR <= y < self.height - BOTTOM_BAR):
            return False
        return not (self.show_popup and self.popup_rect().collidepoint(x, y))

    def add_sample(self, x, y, note):
        sample = {"x": round(float(x), 1), "y": round(float(y), 1), "label": note}
        if self.task == "regression":
            sample["target"] = round(self.frequency(note), 2)
        self.samples.append(sample)
        self.unsaved = True

    def undo(self):
        if self.samples:
            removed = self.samples.pop()
            self.unsaved = True
            self.say(f"removed the last sample ({removed['label']})")
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

    # -- step 3: train -----------------------------------------------------------------------------------------------
    def train(self):
        if self.mode == "training":
            self.say("already training: wait for it to finish (R stops it)")
            return
        labels = {s["label"] for s in self.samples}
        if self.task == "classification" and len(labels) < 2:
            self.say("add samples of at least two different notes before training", error=True)
            return
        if self.task == "regression" and len(self.samples) < 2:
            self.say("add at least two samples before training", error=True)
            return
        self.network = NeuralNetwork(self.task, seed=self.seed, **self.network_options)
        for s in self.samples:
            self.network.add_data([s["x"], s["y"]], s["label"] if self.task == "classification" else s["target"])
        self.network.train(self.epochs)
        self.trained = False
        self.shown_from = len(self.predictions)
        self.show_popup = True

    def reset(self):
        """Back to collecting: the samples stay, the network starts again from scratch."""
        self.network.reset()
        self.network = NeuralNetwork(self.task, seed=self.seed, **self.network_options)
        self.trained = False
        self.shown_from = len(self.predictions)
        self.map_surface = None
        self.say("network reset: collecting (your samples are kept)")

    def update(self):
        """Once a frame: start loading torch after the first frame, and notice when training ends."""
        if self.torch_thread is None and frames.count >= 1:
            self.torch_thread = preload_torch()
        job = self.network.job
        if job and job.status == "failed" and not getattr(job, "reported", False):
            job.reported = True
            self.say(f"training failed: {job.error}", seconds=8, error=True)
        elif job and job.status == "cancelled" and not getattr(job, "reported", False):
            job.reported = True
        if self.network.finish_training():
            self.trained = True
            self.show_popup = False  # the whole canvas is for predictions now; P brings the curves back
            self.say("trained: click to hear what the network predicts (P shows the curves)")

    def toggle_popup(self):
        self.show_popup = not self.show_popup

    def toggle_map(self):
        self.show_map = not self.show_map
        if self.show_map and not self.trained:
            self.say("the map appears once the network is trained (T)")

    # -- step 4: predict ---------------------------------------------------------------------------------------------
    def show_prediction(self, x, y, **result):
        self.predictions.append({"x": round(float(x), 1), "y": round(float(y), 1), **result})

    # -- saving --------------------------------------------------------------------------------------------------------
    def to_json(self):
        """ml5's saveData layout: {"data": [{"xs": {"x", "y"}, "ys": {"label"}}]} in canvas coordinates."""
        data = []
        for s in self.samples:
            ys = {"label": s["label"]}
            if "target" in s:
                ys["frequency"] = s["target"]
            data.append({"xs": {"x": s["x"], "y": s["y"]}, "ys": ys})
        return {"data": data}

    def save(self, path=None):
        """Write the samples as JSON; returns the path, or None (with a message) when the disk says no."""
        path = Path(path or f"{self.sketch}-data-{time.strftime('%Y%m%d-%H%M%S')}.json")
        try:
            write_atomically(path, json.dumps(self.to_json(), indent=1))
        except OSError as error:
            self.say(f"could not save to {path}: {error.strerror or error} (your samples are still here)",
                     seconds=8, error=True)
            return None
        self.unsaved = False
        self.say(f"saved {len(self.samples)} samples to {path}")
        return path

    def load(self, path):
        """Replace the samples with those of an ml5 JSON file; a bad file leaves the canvas empty with a message."""
        try:
            with open(path, encoding="utf-8") as file:
                data = json.load(file)["data"]
            loaded, skipped = [], 0
            for entry in data:
                try:
                    x, y = float(entry["xs"]["x"]), float(entry["xs"]["y"])
                    label = str(entry["ys"]["label"]).upper()
                except (KeyError, TypeError, ValueError):
                    skipped += 1
                    continue
                if label not in pitches.NAMES or not (0 <= x < self.width and 0 <= y < self.height):
                    skipped += 1
                    continue
                loaded.append((x, y, label))
        except (OSError, ValueError, KeyError, TypeError) as error:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else (
                "not an ml5 data file (no \"data\" list)" if isinstance(error, (KeyError, TypeError)) else
                f"not valid JSON ({error})")
            self.say(f"could not load {path}: {reason}; starting empty", seconds=10, error=True)
            print(f"could not load {path}: {reason}", file=sys.stderr)
            return False
        for x, y, label in loaded:
            self.add_sample(x, y, label)
        self.unsaved = False
        note = f" ({skipped} entries skipped: not a note A–G on the canvas)" if skipped else ""
        self.say(f"loaded {len(loaded)} samples from {path}{note}", seconds=6, error=bool(skipped))
        return True

    def autosave(self):
        """On quit: unsaved samples go to an autosave file that --load accepts."""
        if not self.unsaved or not self.samples:
            return None
        name = f"{self.sketch}-autosave.json"
        for folder in (Path.cwd(), _user_data_dir()):
            try:
                folder.mkdir(parents=True, exist_ok=True)
                write_atomically(folder / name, json.dumps(self.to_json(), indent=1))
            except OSError:
                continue
            print(f"{len(self.samples)} unsaved samples written to {folder / name} (load them with --load)",
                  file=sys.stderr)
            self.unsaved = False
            return folder / name
        print("could not write the autosave file anywhere: the disk is full or read-only", file=sys.stderr)
        return None

    # -- drawing ---------------------------------------------------------------------------------------------------------
    def draw(self, screen):
        screen.fill(ui.PAPER)
        if self.show_map and self.network.model is not None:
            screen.blit(self.decision_map(), (0, 0))
        for s in self.samples:
            self._draw_circle(screen, s["x"], s["y"], self.colours[s["label"]], s["label"])
        for p in self.predictions[self.shown_from:]:
            self._draw_prediction(screen, p)
        self._draw_bars(screen)
        if self.show_map and self.network.model is not None and self.task == "regression":
            self.draw_pitch_legend(screen)
        if self.show_popup:
            self.draw_popup(screen)
        self._draw_messages(screen)

    def _draw_circle(self, screen, x, y, colour, text, radius=SAMPLE_RADIUS):
        pygame.draw.circle(screen, colour, (x, y), radius)
        pygame.draw.circle(screen, ui.INK, (x, y), radius, 2)
        ui.label(screen, text, (x, y + 1), size=24, colour=ui.text_colour(colour), anchor="center", bold=True)

    def _draw_prediction(self, screen, p):
        if self.task == "classification":
            self._draw_circle(screen, p["x"], p["y"], ui.ACCENT, p["label"], radius=SAMPLE_RADIUS + 4)
            caption = f"{p['confidence']:.0%}"
        else:
            self._draw_circle(screen, p["x"], p["y"], ui.ACCENT, "", radius=SAMPLE_RADIUS - 4)
            ui.label(screen, f"{p['frequency']:.0f} Hz", (p["x"], p["y"] - 22), size=26, colour=ui.ACCENT,
                     anchor="midbottom", bold=True, background=(255, 255, 255))
            caption = f"{p['nearest_note']} {p['cents']:+.0f}¢"
        ui.label(screen, caption, (p["x"], p["y"] + SAMPLE_RADIUS + 6), size=22, colour=ui.INK, anchor="midtop",
                 background=(255, 255, 255), padding=2)

    def _draw_bars(self, screen):
        pygame.draw.rect(screen, ui.PANEL, (0, 0, self.width, TOP_BAR))
        colour = self.colours[self.note]
        pygame.draw.circle(screen, colour, (28, TOP_BAR // 2), 16)
        ui.label(screen, self.note, (28, TOP_BAR // 2 + 1), size=26, colour=ui.text_colour(colour), anchor="center",
                 bold=True)
        ui.label(screen, f"note {self.note}  {self.frequency(self.note):.2f} Hz", (54, TOP_BAR // 2), size=32,
                 colour=ui.PANEL_TEXT, anchor="midleft")
        mode = self.mode
        if mode == "training":
            job = self.network.job
            mode = f"training {job.done}/{job.total}" if job.done else job.message or "training"
        ui.label(screen, mode, (self.width - 16, TOP_BAR // 2), size=36, colour=(255, 255, 255), anchor="midright",
                 bold=True)
        silent = "   (no sound)" if self.speaker and not self.speaker.available else ""
        count = f"{len(self.samples)} sample" + ("" if len(self.samples) == 1 else "s")
        ui.label(screen, f"{count}{silent}", (self.width // 2, TOP_BAR // 2), size=28,
                 colour=ui.PANEL_TEXT, anchor="center")
        pygame.draw.rect(screen, ui.PANEL, (0, self.height - BOTTOM_BAR, self.width, BOTTOM_BAR))
        keys = "hold A–G + click: add   T train   P curves   V map   R reset   U undo   S save   Esc quit"
        ui.label(screen, keys, (self.width // 2, self.height - BOTTOM_BAR // 2), size=24, colour=ui.PANEL_TEXT,
                 anchor="center")

    def _draw_messages(self, screen):
        now = time.monotonic()
        self.messages = [m for m in self.messages if m[1] > now]
        y = self.height - BOTTOM_BAR - 10
        for text, _, error in reversed(self.messages):
            box = ui.label(screen, text, (self.width // 2, y), size=26, anchor="midbottom",
                           colour=(255, 255, 255), background=ui.ERROR if error else ui.PANEL, padding=6)
            y = box.top - 12

    def popup_rect(self):
        return pygame.Rect(self.width - 500, TOP_BAR + 10, 490, self.height - TOP_BAR - BOTTOM_BAR - 20)

    def draw_popup(self, screen):
        """The training visor: epoch counter, progress bar, live loss and accuracy (or error in Hz) curves."""
        rect = ui.panel(screen, self.popup_rect(), alpha=255)
        job, history = self.network.job, self.network.history
        x, y = rect.x + 16, rect.y + 12
        ui.label(screen, "Training", (x, y), size=30, colour=ui.PANEL_TEXT, bold=True)
        ui.label(screen, "P hides this", (rect.right - 16, y + 4), size=20, colour=(170, 170, 180), anchor="topright")
        if job is None:
            ui.label(screen, "press T to train", (x, y + 44), size=26, colour=ui.PANEL_TEXT)
            return
        status = {"running": job.message if not job.done else "training", "done": "done", "failed": "failed",
                  "cancelled": "stopped"}.get(job.status, job.status)
        ui.label(screen, f"epoch {job.done} / {job.total or self.epochs}   {status}", (x, y + 40), size=26,
                 colour=ui.PANEL_TEXT)
        ui.progress_bar(screen, (x, y + 70, rect.width - 32, 14), job.fraction)
        chart_height = (rect.bottom - (y + 96) - 10) // 2
        series = {"loss": (history.get("loss", []), ui.SERIES_COLOURS[0]),
                  "validation": (history.get("val_loss", []), ui.SERIES_COLOURS[1])}
        charts.line_chart(screen, (x, y + 96, rect.width - 32, chart_height), series, "loss", x_max=self.epochs)
        if self.task == "classification":
            series = {"accuracy": (history.get("accuracy", []), ui.SERIES_COLOURS[0]),
                      "validation": (history.get("val_accuracy", []), ui.SERIES_COLOURS[1])}
            charts.line_chart(screen, (x, y + 106 + chart_height, rect.width - 32, chart_height), series, "accuracy",
                          y_range=(0, 1), x_max=self.epochs)
        else:
            series = {"mean error (Hz)": (history.get("mean_error", []), ui.SERIES_COLOURS[0]),
                      "validation": (history.get("val_mean_error", []), ui.SERIES_COLOURS[1])}
            charts.line_chart(screen, (x, y + 106 + chart_height, rect.width - 32, chart_height), series,
                          "mean error in Hz", x_max=self.epochs)
        if job.status == "failed":
            ui.label(screen, job.error[:60], (x, rect.bottom - 30), size=22, colour=(255, 150, 150))

    def decision_map(self):
        """The canvas tinted by what the network predicts everywhere, recomputed only when the network changes."""
        model = self.network.model
        if self.map_surface is not None and self.map_version is model:
            return self.map_surface
        start = time.perf_counter()
        cols, rows = MAP_CELLS
        xs = (np.arange(cols) + 0.5) * self.width / cols
        ys = (np.arange(rows) + 0.5) * self.height / rows
        grid = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)  # row-major: y varies slowest
        background = np.array(ui.PAPER, dtype=np.float64)
        if self.task == "classification":
            probabilities = model.predict_proba(grid)
            palette = np.array([self.colours[label] for label in model.classes_], dtype=np.float64)
            best = probabilities.argmax(axis=1)
            k = probabilities.shape[1]
            # Sure → strong colour; hesitating between notes → faded towards the paper.
            sureness = (probabilities.max(axis=1) - 1 / k) / (1 - 1 / k)
            strength = (0.12 + 0.6 * sureness)[:, None]
            colours = background * (1 - strength) + palette[best] * strength
        else:
            hz = model.predict(grid)
            low, high = self.pitch_range()
            colours = viridis((hz - low) / (high - low)).astype(np.float64) * 0.55 + background * 0.45
        image = colours.reshape(rows, cols, 3).astype(np.uint8).transpose(1, 0, 2)
        small = pygame.surfarray.make_surface(image)
        self.map_surface = pygame.transform.smoothscale(small, (self.width, self.height))
        self.map_version = model
        self.map_ms = (time.perf_counter() - start) * 1000
        return self.map_surface

    def pitch_range(self):
        """The lowest and highest trained frequencies (a little apart when they are equal)."""
        targets = [s["target"] for s in self.samples] or [self.frequency("C"), self.frequency("B")]
        low, high = min(targets), max(targets)
        return (low, high) if high > low else (low - 10, high + 10)

    def draw_pitch_legend(self, screen):
        """A colour bar from the lowest to the highest trained frequency."""
        low, high = self.pitch_range()
        rect = pygame.Rect(16, TOP_BAR + 12, 260, 18)
        bar = viridis(np.linspace(0, 1, rect.width))[:, None, :].repeat(rect.height, axis=1)
        screen.blit(pygame.surfarray.make_surface(bar), rect)
        pygame.draw.rect(screen, ui.INK, rect, 1)
        for value, anchor, pos in ((low, "topleft", rect.bottomleft), (high, "topright", rect.bottomright)):
            name, octave, _ = pitches.nearest_note(value)
            ui.label(screen, f"{value:.0f} Hz ({name}{octave})", (pos[0], pos[1] + 2), size=20, anchor=anchor,
                     background=(255, 255, 255), padding=2)

    # -- state ---------------------------------------------------------------------------------------------------------
    def state(self):
        job = self.network.job if self.network else None
        history = self.network.history if self.network else {}
        training = {"status": job.status if job else ("done" if self.trained else "idle"), "epochs": self.epochs,
                    "epochs_done": job.done if job else 0, "error": job.error if job else ""}
        training.update({key: list(values) for key, values in history.items()})
        return {"sketch": self.sketch, "mode": self.mode, "note": self.note, "samples": list(self.samples),
                "predictions": list(self.predictions), "sounds": list(self.sounds), "training": training,
                "map": {"visible": self.show_map, "ms": self.map_ms},
                "audio": {"available": bool(self.speaker and self.speaker.available),
                          "notice": self.speaker.notice if self.speaker else ""},
                "messages": list(self.message_log), "unsaved": self.unsaved}


def _user_data_dir():
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "ml-sketches"
