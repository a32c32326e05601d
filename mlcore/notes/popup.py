"""The training visor: epoch counter, progress bar, and live curves of the loss and the task's metric.

It docks in a column at the right of the canvas; while it shows, the canvas draws its samples in the room left of
it (`NoteCanvas.view_rect`), so the popup hides none of them.
"""

import pygame

from mlcore.widgets import charts, theme, ui

POPUP_WIDTH = 390


def draw_popup(screen, rect, network, task, epochs):
    """Draw the popup for `network` (None before the first training) inside `rect`."""
    look = theme.current()
    rect = ui.panel(screen, rect, alpha=255)
    x, y, room = rect.x + 14, rect.y + 10, rect.width - 28
    title = ui.label(screen, "Training", (x, y), size=30, colour=look.panel_text, bold=True, padding=0)
    ui.label(screen, "P hides this", (rect.right - 14, title.centery), size=look.small, colour=look.panel_dim,
             anchor="midright", padding=0)
    y = title.bottom + 8
    job = network.job if network is not None else None
    if job is None:
        ui.label(screen, "press T to train", (x, y), size=look.text, colour=look.panel_text)
        return
    status = {"running": job.message if not job.done else "training", "done": "done", "failed": "failed",
              "cancelled": "stopped"}.get(job.status, job.status)
    line = ui.label(screen, ui.cut(f"epoch {job.done} / {job.total or epochs}   {status}", room, look.text), (x, y),
                    size=look.text, colour=look.panel_text, padding=0)
    ui.progress_bar(screen, (x, line.bottom + 6, room, 12), job.fraction)
    y = line.bottom + 26
    for text in summary_lines(network, epochs):
        for part in ui.wrap(text, room, look.small)[:2]:
            y = ui.label(screen, part, (x, y), size=look.small, colour=look.panel_dim, padding=0).bottom + 2
    top = y + 8
    bottom = rect.bottom - 10
    if job.status == "failed":
        bottom -= ui.line_height(look.small) + 6
        ui.label(screen, ui.cut(job.error, room, look.small), (x, bottom + 4), size=look.small,
                 colour=(255, 150, 150))
    height = (bottom - top - 10) // 2
    history = network.history
    for chart_top, key, title, y_range in ((top, "loss", "loss", None),
                                           (top + 10 + height, task.metric, task.metric_title, task.metric_range)):
        series = {"training": (history.get(key, []), look.series[0]),
                  "validation": (history.get("val_" + key, []), look.series[1])}
        charts.line_chart(screen, (x, chart_top, room, height), series, title, y_range=y_range, x_max=epochs)


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


def popup_rect(width, top, bottom):
    """Where the popup docks on a canvas `width` wide between the bars at `top` and `bottom`: a column at the right."""
    return pygame.Rect(width - POPUP_WIDTH - 6, top + 6, POPUP_WIDTH, bottom - top - 12)
