"""What the two note sketches do differently, chosen once: the target a sample teaches, the metric the popup
plots, how a prediction is drawn and labelled, and how the map colours the canvas (both maps in the notes' own
colours: a colour means one note, or the pitch between two, everywhere)."""

import numpy as np
import pygame

from mlcore.notes import pitches
from mlcore.notes.maps import pitch_colours
from mlcore.notes.text_sizes import sizes
from mlcore.widgets import theme, ui

SAMPLE_RADIUS = 16
MAP_STRENGTH = 0.5  # how far the pitch map goes from the paper towards a note's colour
LOWEST_HZ, HIGHEST_HZ = 30.0, 4000.0  # a drag's voice stays within these, whatever the network answers far away


def draw_note_circle(screen, x, y, colour, text, radius=SAMPLE_RADIUS, size=None, readout=False):
    """A filled circle with an outline and a letter (at `size`, the sample letter's by default): a sample, or a
    predicted note."""
    pygame.draw.circle(screen, colour, (x, y), radius)
    pygame.draw.circle(screen, ui.INK, (x, y), radius, theme.current().stroke)
    if text:
        ui.label(
            screen,
            text,
            (x, y + 1),
            size=size or sizes().letter,
            colour=ui.text_colour(colour),
            anchor="center",
            bold=True,
            padding=0,
            readout=readout,
        )


def prediction_radius(task):
    """The radius of a prediction's circle: large enough for a readout letter when it holds one."""
    return sizes().prediction_radius if task.name == "classification" else SAMPLE_RADIUS - 4


def mark_place(screen, place, centre):
    """Where a prediction's circle was moved inward from its place: a dot on the place, a line to the circle."""
    if (round(place[0]), round(place[1])) != (round(centre[0]), round(centre[1])):
        pygame.draw.line(screen, ui.ACCENT, place, centre, theme.current().stroke)
        pygame.draw.circle(screen, ui.ACCENT, (round(place[0]), round(place[1])), 5)


class Classification:
    """The network names a note: the popup plots accuracy, the map is tinted by the predicted note."""

    name = "classification"
    metric, metric_title, metric_range = "accuracy", "accuracy", (0, 1)

    def state_fields(self, sample):
        return {}

    def why_not_ready(self, samples):
        first = samples[0].note if samples else None
        if all(sample.note == first for sample in samples):  # stops at the first other note
            return "add samples of at least two different notes before training"
        return None

    def circle_centre(self, at, visible):
        """Where the predicted note's circle goes: on its place, or moved inward to show its letter whole."""
        radius = sizes().prediction_radius + 1
        return (
            min(max(at[0], visible.left + radius), visible.right - radius),
            min(max(at[1], visible.top + radius), visible.bottom - radius),
        )

    def draw_prediction(self, screen, prediction, at, centre):
        """The predicted note in the prediction colour at `centre` (its place `at`, or inward of it near an edge)."""
        mark_place(screen, at, centre)
        draw_note_circle(
            screen,
            round(centre[0]),
            round(centre[1]),
            ui.ACCENT,
            prediction["label"],
            radius=sizes().prediction_radius,
            size=sizes().readout,
            readout=True,
        )

    def label_lines(self, prediction):
        """The readouts beside a prediction: its confidence."""
        return [(f"{prediction['confidence']:.0%}", sizes().readout, True)]

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

    def sound_of(self, answer, canvas):
        """What a drag hears of an answer {"label", "confidence"}: (Hz, loudness, tremolo, trail colour). A sure
        answer is loud and steady; towards chance it grows quieter and wavers, as the map fades there."""
        classes = len(getattr(canvas.network.model, "classes_", ())) or 2
        sureness = min(max((answer["confidence"] - 1 / classes) / (1 - 1 / classes), 0.0), 1.0)
        return (
            canvas.frequency(answer["label"]),
            0.45 + 0.55 * sureness,
            0.8 * (1 - sureness),
            canvas.colours[answer["label"]],
        )


class Regression:
    """The network predicts a frequency in Hz: the popup plots the mean error, the map is a pitch scale."""

    name = "regression"
    metric, metric_title, metric_range = "mean_error", "mean error in Hz", None

    def state_fields(self, sample):
        return {"target": sample.frequency}

    def why_not_ready(self, samples):
        return "add at least two samples before training" if len(samples) < 2 else None

    def circle_centre(self, at, visible):
        """The dot stays on its place (it holds no text)."""
        return at

    def draw_prediction(self, screen, prediction, at, centre):
        """A dot in the prediction colour at `at` (where its place is drawn); the readouts go beside it."""
        draw_note_circle(screen, round(at[0]), round(at[1]), ui.ACCENT, "", radius=SAMPLE_RADIUS - 4)

    def label_lines(self, prediction):
        """The readouts beside a prediction: the frequency, then the nearest note and how far off it is."""
        size = sizes().readout
        return [
            (f"{prediction['frequency']:.0f} Hz", size, True),
            (f"{prediction['nearest_note']} {round(prediction['cents']):+d}¢", size, False),
        ]

    def map_colours(self, model, grid, canvas):
        """Each place in the colour of the pitch the network predicts there: the notes' own colours, blended
        between two notes, faded towards the paper so that the samples stand out."""
        colours = pitch_colours(model.predict(grid), canvas.colours, canvas.frequency("C"))
        return colours * MAP_STRENGTH + canvas.paper * (1 - MAP_STRENGTH)

    def draw_legend(self, screen, canvas, room):
        """The pitch scale from the lowest to the highest trained frequency, with the notes it passes through, in
        `room` (the top bar's middle); False when it does not fit there."""
        low, high = pitch_range(canvas.samples)
        size = sizes().small
        ends = [f"{low:.0f} Hz", f"{high:.0f} Hz"]
        widths = [ui.text_width(end, size) for end in ends]
        width = min(300, room.width - sum(widths) - 24)
        if width < 120:
            return False
        left = room.centerx - (width + sum(widths) + 24) // 2
        rect = pygame.Rect(left + widths[0] + 12, room.centery - 13, width, 26)
        hz = low * (high / low) ** np.linspace(0, 1, rect.width)
        bar = pitch_colours(hz, canvas.colours, canvas.frequency("C")).astype(np.uint8)[:, None, :]
        screen.blit(pygame.surfarray.make_surface(bar.repeat(rect.height, axis=1)), rect)
        pygame.draw.rect(screen, theme.current().panel_text, rect.inflate(2, 2), 1)
        self._legend_notes(screen, canvas, rect, low, high)
        ui.label(
            screen,
            ends[0],
            (rect.x - 12, room.centery),
            size=size,
            colour=theme.current().panel_text,
            anchor="midright",
            padding=0,
        )
        ui.label(
            screen,
            ends[1],
            (rect.right + 12, room.centery),
            size=size,
            colour=theme.current().panel_text,
            anchor="midleft",
            padding=0,
        )
        return True

    def sound_of(self, answer, canvas):
        """What a drag hears of an answer {"frequency"}: that pitch, steady (kept within what a speaker plays), and
        the pitch scale's colour for the trail."""
        hz = min(max(answer["frequency"], LOWEST_HZ), HIGHEST_HZ)
        return hz, 1.0, 0.0, tuple(pitch_colours([hz], canvas.colours, canvas.frequency("C"))[0])

    def _legend_notes(self, screen, canvas, rect, low, high):
        """The letters of the notes the scale passes through, each where its pitch lies, if there is room."""
        size, last = sizes().small, -100
        for octave in range(canvas.octave - 1, canvas.octave + 2):
            for name in pitches.NAMES:
                hz = pitches.frequency(name, octave)
                if not low - 0.5 <= hz <= high + 0.5:  # the samples keep their frequencies to 0.01 Hz
                    continue
                half = ui.text_width(name, size, True) // 2 + 2
                x = rect.x + round(np.log(hz / low) / np.log(high / low) * (rect.width - 1)) if high > low else rect.x
                x = min(max(x, rect.x + half), rect.right - half)  # the ends' letters turn inward
                if x - half < last:
                    continue
                colour = pitch_colours([hz], canvas.colours, canvas.frequency("C"))[0]
                last = (
                    ui.label(
                        screen,
                        name,
                        (x, rect.centery + 1),
                        size=size,
                        colour=ui.text_colour(colour),
                        anchor="center",
                        bold=True,
                        padding=0,
                    ).right
                    + 2
                )


def pitch_range(samples):
    """The lowest and highest trained frequencies (a little apart when they are equal)."""
    targets = [sample.frequency for sample in samples] or [pitches.frequency("C"), pitches.frequency("B")]
    low, high = min(targets), max(targets)
    return (low, high) if high > low else (low - 10, high + 10)


TASKS = {"classification": Classification, "regression": Regression}
