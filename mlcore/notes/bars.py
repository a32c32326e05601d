"""The note canvas's two bars, outside the canvas: along the top the chosen note, the count (or the map's legend) and
the mode, as readouts; along the bottom what a click does now, then the newest message (else the keys).

Nothing on them is cut short: where a text does not fit, a shorter wording is chosen, or a message shows a line at a
time.
"""

import re

import pygame

from mlcore.notes.tasks import draw_note_circle
from mlcore.notes.text_sizes import sizes
from mlcore.widgets import theme, ui

KEYS = [
    "T train   P curves   V map   H runs   R reset   U undo   S save   M model   F2 theme   Esc quit",
    "T train   P curves   V map   H runs   R reset   U undo   S save   M model",
    "T train   P curves   V map   H runs   R reset   U undo",
    "T train   P curves   V map   R reset",
]


def draw_bars(screen, canvas):
    """The top bar (the note, the count or the map's legend, the mode) and the bottom bar of `canvas`."""
    look, size = theme.current(), sizes()
    bar = canvas.layout.top_bar()
    pygame.draw.rect(screen, look.panel, bar)
    middle = bar.centery
    draw_note_circle(screen, 28, middle, canvas.colours[canvas.note], canvas.note)
    notes = [
        f"note {canvas.note}  {canvas.frequency(canvas.note):.2f} Hz",
        f"{canvas.note}  {canvas.frequency(canvas.note):.0f} Hz",
    ]
    mode = mode_words(canvas)
    right_width = ui.text_width(mode, size.readout, True)
    note = next(
        (text for text in notes if ui.text_width(text, size.readout) + right_width + 120 <= bar.width), notes[-1]
    )
    left = ui.label(
        screen, note, (54, middle), size=size.readout, colour=look.panel_text, anchor="midleft", readout=True
    )
    right = ui.label(
        screen,
        mode,
        (bar.width - 16, middle),
        size=size.readout,
        colour=(255, 255, 255),
        anchor="midright",
        bold=True,
        readout=True,
    )
    room = pygame.Rect(left.right + 12, 4, right.left - left.right - 24, bar.height - 8)
    legend = canvas.show_map and canvas.mode == "predicting" and canvas.task.draw_legend(screen, canvas, room)
    if not legend:  # the map's legend, where it has one, takes the middle of the bar
        fitting = [text for text in count_words(canvas) if ui.text_width(text, size.small) <= room.width]
        if fitting:
            ui.label(screen, fitting[0], room.center, size=size.small, colour=look.panel_text, anchor="center")
    _draw_bottom_bar(screen, canvas)


def mode_words(canvas):
    """The mode as the top bar says it: collecting, training (with its epochs), predicting."""
    mode = canvas.mode
    job = canvas.network.job if canvas.network is not None else None
    if mode == "training" and job is not None and job.running and job.done:
        return f"training {job.done}/{job.total}"
    return mode


def count_words(canvas):
    """The samples' count, longest wording first: with how far the view zooms out to show those beyond the canvas,
    and whether sound is off."""
    count = f"{len(canvas.samples)} sample" + ("" if len(canvas.samples) == 1 else "s")
    layout = canvas.layout
    zoom = f", {layout.beyond} beyond the canvas: view at {layout.zoom:.0%}" if layout.beyond else ""
    silent = "   (no sound)" if canvas.speaker and not canvas.speaker.available else ""
    short_zoom = f", view at {layout.zoom:.0%}" if layout.beyond else ""
    return [
        f"{count}{zoom}{silent}",
        f"{count}{zoom}",
        f"{count}{short_zoom}{silent}",
        f"{count}{short_zoom}",
        count,
        str(len(canvas.samples)),
    ]


def click_words(canvas):
    """What a click on the canvas does now, longest wording first."""
    if canvas.runs.visible:
        return ["a click does nothing while the runs table shows: H shows the canvas", "H: back to the canvas"]
    held = canvas.held_note()
    note = held or canvas.note
    add = f"click: add {'an' if note in 'AEF' else 'a'} {note}"
    if canvas.mode == "predicting":
        if held:
            return [f"{add} (T trains again with it)", add]
        return [
            "click: predict    drag: listen    hold A–G + click: add a sample",
            "click: predict    drag: listen    A–G + click: add",
            "click: predict    drag: listen",
            "click: predict",
        ]
    if canvas.mode == "training":
        return [f"{add} (T again trains with it)", add]
    if held:
        return [add]
    return [f"{add}    hold A–G + click: add another note", f"{add}    A–G: another note", add]


def _draw_bottom_bar(screen, canvas):
    """What a click does now, then the newest message (red for a problem) or the keys; the canvas is left alone."""
    look, size = theme.current(), sizes()
    bar = canvas.layout.bottom_bar()
    pygame.draw.rect(screen, look.panel, bar)
    room = bar.width - 24
    first = ui.line_height(size.text)
    click = next(
        (text for text in click_words(canvas) if ui.text_width(text, size.text, True) <= room), click_words(canvas)[-1]
    )
    ui.label(screen, click, (bar.x + 12, bar.y + 3), size=size.text, colour=(255, 255, 255), bold=True, padding=0)
    line = pygame.Rect(bar.x, bar.y + first + 5, bar.width, bar.height - first - 5)
    message, page = canvas.messages.current(lambda said: len(message_lines(said.text, room)))
    if message is not None:
        pygame.draw.rect(screen, look.error if message.error else look.accent, line)
        ui.label(
            screen,
            message_lines(message.text, room)[page],
            (bar.x + 12, line.centery),
            size=size.small,
            colour=(255, 255, 255),
            anchor="midleft",
            bold=True,
            padding=0,
        )
        return
    keys = next((text for text in KEYS if ui.text_width(text, size.small) <= room), KEYS[-1])
    ui.label(
        screen, keys, (bar.x + 12, line.centery), size=size.small, colour=look.panel_text, anchor="midleft", padding=0
    )


def message_lines(text, width):
    """A message broken into the lines of the bar's width (each shown in turn): between words, or after a "/" of a
    path too long for what is left of a line."""
    size, lines, line = sizes().small, [], ""
    for piece in re.split(r"(?<=[ /])", str(text)):
        if line and ui.text_width((line + piece).rstrip(), size, True) > width:
            lines.append(line.rstrip())
            line = piece.lstrip()
        else:
            line += piece
        while ui.text_width(line.rstrip(), size, True) > width:  # a piece wider than the bar on its own
            split = next(end for end in range(len(line), 0, -1) if ui.text_width(line[:end], size, True) <= width)
            lines.append(line[:split])
            line = line[split:]
    return [part for part in lines + [line.rstrip()] if part] or [""]
