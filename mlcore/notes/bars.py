"""The note canvas's two bars: the chosen note, the count (or the map's legend) and the mode along the top; the
newest message, else the keys, along the bottom, so that no message covers the samples or the curves."""

import time

import pygame

from mlcore.notes.tasks import draw_note_circle
from mlcore.widgets import theme, ui

KEYS = ["hold A–G + click: add   T train   P curves   V map   H runs   R reset   U undo   S save   M model   Esc quit",
        "A–G+click add  T train  P curves  V map  H runs  R reset  U undo  S save  M model",
        "A–G add  T train  P curves  V map  R reset  F2 theme"]


def draw_bars(screen, canvas):
    """The top bar (the note, the count or the map's legend, the mode) and the bottom bar of `canvas`."""
    look = theme.current()
    pygame.draw.rect(screen, look.panel, (0, 0, canvas.width, canvas.top))
    middle = canvas.top // 2
    draw_note_circle(screen, 28, middle, canvas.colours[canvas.note], canvas.note)
    left = ui.label(screen, f"note {canvas.note}  {canvas.frequency(canvas.note):.2f} Hz", (54, middle), size=32,
                    colour=look.panel_text, anchor="midleft")
    mode = canvas.mode
    if mode == "training" and canvas.network.job.running:
        job = canvas.network.job
        mode = f"training {job.done}/{job.total}" if job.done else job.message or "training"
    right = ui.label(screen, mode, (canvas.width - 16, middle), size=36, colour=(255, 255, 255), anchor="midright",
                     bold=True)
    middle_room = pygame.Rect(left.right + 16, 4, right.left - left.right - 32, canvas.top - 8)
    legend = canvas.show_map and canvas.mode == "predicting" and canvas.task.draw_legend(screen, canvas, middle_room)
    if not legend:  # the map's legend, where it has one, takes the middle of the bar
        silent = "   (no sound)" if canvas.speaker and not canvas.speaker.available else ""
        count = f"{len(canvas.samples)} sample" + ("" if len(canvas.samples) == 1 else "s")
        ui.label(screen, ui.cut(f"{count}{silent}", middle_room.width, 28), middle_room.center, size=28,
                 colour=look.panel_text, anchor="center")
    _draw_bottom_bar(screen, canvas)


def _draw_bottom_bar(screen, canvas):
    """The newest message (red for a problem), else the keys; the samples' area is left alone."""
    look = theme.current()
    bar = pygame.Rect(0, canvas.bottom, canvas.width, canvas.height - canvas.bottom)
    now = time.monotonic()
    canvas.messages = [m for m in canvas.messages if m[1] > now]
    if canvas.messages:
        text, _, error = canvas.messages[-1]
        pygame.draw.rect(screen, look.error if error else look.accent, bar)
        ui.label(screen, ui.cut(text, bar.width - 24, 26), bar.center, size=26, colour=(255, 255, 255),
                 anchor="center", bold=True, padding=0)
        return
    pygame.draw.rect(screen, look.panel, bar)
    keys = next((line for line in KEYS if ui.text_width(line, 24) <= bar.width - 16), KEYS[-1])
    ui.label(screen, ui.cut(keys, bar.width - 16, 24), bar.center, size=24, colour=look.panel_text,
             anchor="center", padding=0)
