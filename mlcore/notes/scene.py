"""One frame of the note canvas: the map and the samples in the view, the predictions with their readouts beside
them, the popup beside the view (or the runs table in its place), and the bars around it all.

Whatever is drawn for the canvas stays inside the view: the bars and the popup lie outside it, a prediction's
readouts are placed whole within it, turned inward near an edge and kept off the samples.
"""

import pygame

from mlcore.notes import labels
from mlcore.notes.bars import draw_bars
from mlcore.notes.popup import draw_popup
from mlcore.notes.tasks import prediction_radius
from mlcore.notes.text_sizes import sizes
from mlcore.runtime.inputs import frames
from mlcore.widgets import theme, ui


class Scene:
    """Draws a `NoteCanvas`; remembers where each prediction's readouts went until the view or the samples change."""

    def __init__(self):
        self.placed = (None, [])  # (what the places depend on, one box per prediction)
        self.held_back = False  # the last frame kept the picture before it

    def draw(self, screen, canvas):
        if frames.late() and not self.held_back:  # the sketch's own work made this frame long (T's loop over
            self.held_back = True  # 100,000 samples): the picture it has stays one frame more, never two
            return
        self.held_back = False
        theme.begin_frame(screen)
        look = theme.current()
        screen.fill(look.paper)
        layout, popup = canvas.layout, canvas.show_popup
        if canvas.runs.visible:  # the table takes the canvas's place (the canvas waits under no panel)
            canvas.runs.draw(screen, layout.area().inflate(-16, -16))
            draw_bars(screen, canvas)
            return
        room, view = layout.room(popup), layout.view_rect(popup)
        visible = view.clip(room)
        if visible != room:  # room the world does not fill: shaded, so the canvas's edge shows
            screen.fill(_shade(look.paper, look.panel, 0.08), room)
            screen.fill(look.paper, visible)
        screen.set_clip(visible)
        self._draw_view(screen, canvas, view, visible)
        screen.set_clip(None)
        if popup:
            draw_popup(screen, layout.popup_rect(), canvas.network, canvas.task, canvas.epochs, canvas.epochs_shown())
            hint = "P: the canvas gets its room back"
            if view.bottom + 8 + ui.line_height(sizes().small) <= room.bottom:
                ui.label(screen, hint, (view.x + 8, view.bottom + 8), size=sizes().small, colour=look.dim, padding=0)
        draw_bars(screen, canvas)

    def _draw_view(self, screen, canvas, view, visible):
        layout, popup, look = canvas.layout, canvas.show_popup, theme.current()
        if canvas.show_map and canvas.mode == "predicting":
            surface = canvas.map.surface_for(
                canvas.network.model,
                lambda model, grid: canvas.task.map_colours(model, grid, canvas),
                extent=layout.world,
            )
            screen.blit(canvas.map.view(surface, view.size), view)
        if layout.world != layout.canvas:  # the canvas itself, inside the world grown to the samples beyond it
            x0, y0, x1, y1 = layout.canvas
            left, top = layout.to_view(x0, y0, popup)
            right, bottom = layout.to_view(x1, y1, popup)
            pygame.draw.rect(screen, look.dim, (round(left), round(top), round(right - left), round(bottom - top)), 1)
        elif view.width < canvas.width:
            pygame.draw.rect(screen, look.dim, view, max(1, look.stroke // 2))
        canvas.listening.draw(screen, lambda x, y: layout.to_view(x, y, popup))  # under the samples
        canvas.sample_layer.update(canvas.samples, canvas.colours, layout.transform(popup))
        shown = canvas.predictions[canvas.shown_from :]
        places = [layout.to_view(p["x"], p["y"], popup) for p in shown]
        centres = [canvas.task.circle_centre(at, visible) for at in places]
        boxes = self._places(canvas, shown, centres, visible)
        for box in boxes:  # under the samples: a label's box hides none of them
            labels.draw_box(screen, box)
        canvas.sample_layer.blit(screen)
        for prediction, at, centre in zip(shown, places, centres):
            canvas.task.draw_prediction(screen, prediction, at, centre)
        for prediction, box in zip(shown, boxes):
            labels.draw_lines(screen, box, canvas.task.label_lines(prediction), look.accent)

    def _places(self, canvas, shown, places, visible):
        """Each prediction's readout box: inside `visible`, off the samples, the circles and the boxes before it."""
        key = (
            canvas.shown_from,
            len(canvas.samples),
            theme.current().name,
            tuple(visible),
            canvas.layout.transform(canvas.show_popup),
        )
        if self.placed[0] != key:
            self.placed = (key, [])
        boxes = self.placed[1]
        radius = prediction_radius(canvas.task)
        circles = [pygame.Rect(round(x) - radius, round(y) - radius, 2 * radius, 2 * radius) for x, y in places]
        obstacles = canvas.sample_layer.obstacles() + circles
        for prediction, at in list(zip(shown, places))[len(boxes) :]:
            boxes.append(labels.place(canvas.task.label_lines(prediction), at, radius, visible, obstacles + boxes))
        return boxes


def _shade(paper, ink, share):
    return tuple(round(p + (i - p) * share) for p, i in zip(paper, ink))
