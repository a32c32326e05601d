"""The training visor: epoch counter, progress bar, and live curves of the loss and the task's metric."""

import pygame

from mlcore.widgets import charts, ui


def draw_popup(screen, rect, network, task, epochs):
    """Draw the popup for `network` (None before the first training) inside `rect`."""
    rect = ui.panel(screen, rect, alpha=255)
    x, y = rect.x + 16, rect.y + 12
    ui.label(screen, "Training", (x, y), size=30, colour=ui.PANEL_TEXT, bold=True)
    ui.label(screen, "P hides this", (rect.right - 16, y + 4), size=20, colour=(170, 170, 180), anchor="topright")
    job = network.job if network is not None else None
    if job is None:
        ui.label(screen, "press T to train", (x, y + 44), size=26, colour=ui.PANEL_TEXT)
        return
    status = {"running": job.message if not job.done else "training", "done": "done", "failed": "failed",
              "cancelled": "stopped"}.get(job.status, job.status)
    ui.label(screen, f"epoch {job.done} / {job.total or epochs}   {status}", (x, y + 40), size=26,
             colour=ui.PANEL_TEXT)
    ui.progress_bar(screen, (x, y + 70, rect.width - 32, 14), job.fraction)
    for row, line in enumerate(summary_lines(network, epochs)):
        ui.label(screen, ui.cut(line, rect.width - 32, 20), (x, y + 92 + 22 * row), size=20, colour=ui.PANEL_TEXT)
    top = y + 140
    height = (rect.bottom - top - 10) // 2
    history = network.history
    for top, key, title, y_range in ((top, "loss", "loss", None),
                                     (top + 10 + height, task.metric, task.metric_title, task.metric_range)):
        series = {title: (history.get(key, []), ui.SERIES_COLOURS[0]),
                  "validation": (history.get("val_" + key, []), ui.SERIES_COLOURS[1])}
        charts.line_chart(screen, (x, top, rect.width - 32, height), series, title, y_range=y_range, x_max=epochs)
    if job.status == "failed":
        ui.label(screen, ui.cut(job.error, rect.width - 32, 22), (x, rect.bottom - 30), size=22,
                 colour=(255, 150, 150))


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
    """Where the popup sits on a canvas `width` wide between the bars at `top` and `bottom`."""
    return pygame.Rect(width - 500, top + 10, 490, bottom - top - 20)
