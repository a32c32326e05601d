"""What the two note sketches do differently, chosen once: the target a sample teaches, the metric the popup
plots, how a prediction is drawn, and how the map colours the canvas."""

import numpy as np
import pygame

from mlcore.notes import pitches
from mlcore.notes.maps import viridis
from mlcore.widgets import theme, ui

SAMPLE_RADIUS = 16


def draw_note_circle(screen, x, y, colour, text, radius=SAMPLE_RADIUS):
    """A filled circle with an outline and a letter: a sample, or a predicted note."""
    pygame.draw.circle(screen, colour, (x, y), radius)
    pygame.draw.circle(screen, ui.INK, (x, y), radius, theme.current().stroke)
    if text:
        ui.label(screen, text, (x, y + 1), size=24, colour=ui.text_colour(colour), anchor="center", bold=True,
                 padding=0)


def _caption(screen, text, x, y):
    ui.label(screen, text, (x, y + SAMPLE_RADIUS + 6), size=theme.current().small, colour=ui.INK,
             anchor="midtop", background=(255, 255, 255), padding=2)


class Classification:
    """The network names a note: the popup plots accuracy, the map is tinted by the predicted note."""

    name = "classification"
    metric, metric_title, metric_range = "accuracy", "accuracy", (0, 1)

    def state_fields(self, sample):
        return {}

    def why_not_ready(self, samples):
        if len({sample.note for sample in samples}) < 2:
            return "add samples of at least two different notes before training"
        return None

    def draw_prediction(self, screen, prediction, at):
        """The predicted note in the prediction colour at `at` (where its place is drawn), with its confidence."""
        x, y = at
        draw_note_circle(screen, x, y, ui.ACCENT, prediction["label"], radius=SAMPLE_RADIUS + 4)
        _caption(screen, f"{prediction['confidence']:.0%}", x, y)

    def map_colours(self, model, grid, canvas):
        """Sure → the note's colour; hesitating between notes → faded towards the paper."""
        probabilities = model.predict_proba(grid)
        palette = np.array([canvas.colours[label] for label in model.classes_], dtype=np.float64)
        k = probabilities.shape[1]
        sureness = (probabilities.max(axis=1) - 1 / k) / (1 - 1 / k)
        strength = (0.12 + 0.6 * sureness)[:, None]
        return canvas.paper * (1 - strength) + palette[probabilities.argmax(axis=1)] * strength

    def draw_legend(self, screen, canvas, room):
        return False  # the notes' own colours are the legend


class Regression:
    """The network predicts a frequency in Hz: the popup plots the mean error, the map is a pitch scale."""

    name = "regression"
    metric, metric_title, metric_range = "mean_error", "mean error in Hz", None

    def state_fields(self, sample):
        return {"target": sample.frequency}

    def why_not_ready(self, samples):
        return "add at least two samples before training" if len(samples) < 2 else None

    def draw_prediction(self, screen, prediction, at):
        """The predicted frequency at `at` (where its place is drawn), with the nearest note and the cents off."""
        x, y = at
        draw_note_circle(screen, x, y, ui.ACCENT, "", radius=SAMPLE_RADIUS - 4)
        ui.label(screen, f"{prediction['frequency']:.0f} Hz", (x, y - 22), size=26, colour=ui.ACCENT,
                 anchor="midbottom", bold=True, background=(255, 255, 255))
        _caption(screen, f"{prediction['nearest_note']} {prediction['cents']:+.0f}¢", x, y)

    def map_colours(self, model, grid, canvas):
        low, high = pitch_range(canvas.samples)
        hz = model.predict(grid)
        return viridis((hz - low) / (high - low)).astype(np.float64) * 0.55 + canvas.paper * 0.45

    def draw_legend(self, screen, canvas, room):
        """A colour bar from the lowest to the highest trained frequency, in `room` (the top bar's middle)."""
        low, high = pitch_range(canvas.samples)
        look = theme.current()
        names = []
        for value in (low, high):
            name, octave, _ = pitches.nearest_note(value)
            names.append(f"{value:.0f} Hz {name}{octave}")
        size = look.small
        widths = [ui.text_width(name, size) for name in names]
        width = min(240, room.width - sum(widths) - 24)
        if width < 40:
            return False
        left = room.centerx - (width + sum(widths) + 24) // 2
        rect = pygame.Rect(left + widths[0] + 12, room.centery - 9, width, 18)
        bar = viridis(np.linspace(0, 1, rect.width))[:, None, :].repeat(rect.height, axis=1)
        screen.blit(pygame.surfarray.make_surface(bar), rect)
        pygame.draw.rect(screen, look.panel_text, rect.inflate(2, 2), 1)
        ui.label(screen, names[0], (rect.x - 12, room.centery), size=size, colour=look.panel_text, anchor="midright",
                 padding=0)
        ui.label(screen, names[1], (rect.right + 12, room.centery), size=size, colour=look.panel_text,
                 anchor="midleft", padding=0)
        return True


def pitch_range(samples):
    """The lowest and highest trained frequencies (a little apart when they are equal)."""
    targets = [sample.frequency for sample in samples] or [pitches.frequency("C"), pitches.frequency("B")]
    low, high = min(targets), max(targets)
    return (low, high) if high > low else (low - 10, high + 10)


TASKS = {"classification": Classification, "regression": Regression}
