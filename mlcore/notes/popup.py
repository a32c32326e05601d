"""The training visor: the epoch, the loss and the task's metric as readouts, a progress bar, the model summed up,
and the curves of the loss and the metric.

It docks in a column at the right of the canvas (`CanvasView.popup_rect`); while it shows, the canvas draws its
samples in the room left of it, so the popup hides none of them. A training of a few dozen samples is over in a
blink: the popup draws its curves in at a pace a class can follow (`CurvePace`), while the trained network answers
clicks at once, and keeps the final curves until P.
"""

import re
import time

from mlcore.ml.neural_network import WAITING
from mlcore.notes.text_sizes import sizes
from mlcore.runtime.inputs import frames
from mlcore.widgets import charts, curve_pace, theme, ui

READOUT_NAMES = {"loss": "loss", "accuracy": "accuracy", "mean_error": "mean error"}


class CurvePace(curve_pace.CurvePace):
    """`curve_pace.CurvePace` for the popup, which asks of a job: the same answer all through one frame, so that the
    state written after the last frame says what it drew."""

    def __init__(self, seconds=2.0):
        super().__init__(seconds)
        self.frame, self.frame_shown = None, 0  # (job, frame number) of the last answer, and the answer

    def shown(self, job, now=None):
        """The epochs of `job` drawn by `now` (by this frame's first look, without it)."""
        if job is None:
            return 0
        if now is not None:
            return super().shown(job, job.done, job.total, now)
        if self.frame != (job, frames.count):
            self.frame, self.frame_shown = (job, frames.count), self.shown(job, time.monotonic())
        return self.frame_shown


def draw_popup(screen, rect, network, task, epochs, shown):
    """Draw the popup for `network` (None before the first training) inside `rect`, its curves up to epoch `shown`."""
    look, size = theme.current(), sizes()
    rect = ui.panel(screen, rect, alpha=255)
    x, room = rect.x + 14, rect.width - 28
    job = network.job if network is not None else None
    if job is None:
        title = ui.label(
            screen, "Training", (x, rect.y + 10), size=size.readout, colour=look.panel_text, bold=True, padding=0
        )
        _lines(screen, ["press T to train", "P hides this"], x, title.bottom + 10, room, size.text, look.panel_text)
        return
    total = job.total or epochs
    top = ui.label(
        screen,
        f"epoch {shown} / {total}",
        (x, rect.y + 8),
        size=size.readout,
        colour=look.panel_text,
        bold=True,
        padding=0,
        readout=True,
    )
    y = _status(screen, network, job, x, top.bottom + 4, room, shown)
    ui.progress_bar(screen, (x, y + 4, room, 12), shown / total if total else 0.0)
    y += 24
    for text in summary_lines(network, epochs):
        y = _lines(screen, [_phrases(text)], x, y, room, size.small, look.panel_dim)
    if job.status == "failed":
        y = _lines(screen, [job.error], x, y + 4, room, size.small, (255, 150, 150))
    _draw_charts(screen, network.history, task, epochs, shown, (x, y + 6, room, rect.bottom - 8 - y - 6))


def _status(screen, network, job, x, y, room, shown):
    """What the training is doing, and the key that hides the popup; returns the y under them."""
    look = theme.current()
    if job.status == "running" and not job.done and job.message.startswith(WAITING):
        waited = job.message[len(WAITING) :].strip()
        status = f"waiting for the network library ({waited})" if waited else "waiting for the network library"
    elif network.trained:
        status = "trained: it answers clicks" if shown < (job.total or shown) else "trained"
    else:
        status = {"running": "training", "done": "training", "failed": "failed", "cancelled": "stopped"}.get(
            job.status, job.status
        )
    hint = "P hides this"
    if ui.text_width(f"{status}   {hint}", sizes().text) <= room:
        ui.label(screen, hint, (x + room, y), size=sizes().small, colour=look.panel_dim, anchor="topright", padding=0)
        return _lines(screen, [status], x, y, room, sizes().text, look.panel_text)
    return _lines(screen, [status, hint], x, y, room, sizes().text, look.panel_text)


def _lines(screen, texts, x, y, room, size, colour):
    """Each text wrapped to `room`, line under line; returns the y under the last."""
    for text in texts:
        for part in ui.wrap(text, room, size):
            y = ui.label(screen, part, (x, y), size=size, colour=colour, padding=0).bottom + 2
    return y


def _phrases(text):
    """`text` with the words of each phrase (between commas and wide gaps) bound, so a wrap breaks between phrases."""
    parts = re.split(r"(,\s+|\s{2,})", text)
    return "".join(part.strip() + " " if index % 2 else part.replace(" ", "\u00a0") for index, part in enumerate(parts))


def _draw_charts(screen, history, task, epochs, shown, rect):
    """The loss and the metric, each a readout of its last shown value over its curves (one legend under both)."""
    look, size = theme.current(), sizes()
    x, y, width, height = rect
    readout = ui.line_height(size.readout) + 2
    chart = (height - 2 * readout - 8) // 2
    for key, y_range, last in (("loss", None, False), (task.metric, task.metric_range, True)):
        values = history.get(key, [])[:shown]
        name = READOUT_NAMES.get(key, key)
        text = f"{name} {_value(key, values[-1])}" if values else name
        ui.label(screen, text, (x, y), size=size.readout, colour=look.panel_text, bold=True, padding=0, readout=True)
        series = {
            "training": (values, look.series[0]),
            "validation": (history.get("val_" + key, [])[:shown], look.series[1]),
        }
        charts.line_chart(
            screen,
            (x, y + readout, width, chart),
            series,
            "",
            y_range=y_range,
            x_max=epochs,
            tick=size.small,
            legend=last,
        )
        y += readout + chart + 8


def _value(key, value):
    if key == "accuracy":
        return f"{value:.0%}"
    if key == "mean_error":
        return f"{value:.1f} Hz"
    return f"{value:.3g}"


def summary_lines(network, epochs):
    """The model in two lines, as ml5's visor shows it: its layers, then how it is trained."""
    layers = network.summary()
    if not layers:
        return ["building the network…"]
    inputs = len(network.inputs[0]) if network.inputs else 0
    shape = ", ".join([f"{inputs} inputs"] + [f"{layer['units']} {layer['activation']}" for layer in layers])
    total = sum(layer["parameters"] for layer in layers)
    options = network.options
    how = f"Adam, learning rate {options['learning_rate']:g}, batch {options['batch_size']}, {epochs} epochs"
    counts = network.split_counts
    if counts:
        how += f", {counts[0]} training / {counts[1]} validation"
    return [f"{shape}   ({total:,} parameters)", how]
