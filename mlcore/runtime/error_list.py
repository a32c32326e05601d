"""The list of a sketch's recent errors, over its canvas: W (or a click on the red bar) opens it, W or a click closes.

A message on the red bar leaves once its hook runs cleanly again; the list keeps the last ones, each with the time it
came, so that an error that flickered by during a training can still be read whole.
"""

KEY = "w"  # "what went wrong": no sketch of the course uses it (E, the first choice, is a note and extracts)
TIP = "W: recent errors"
MARGIN = 24
TEXT_SIZE = 22
PANEL = (40, 20, 20)


class ErrorList:
    """Whether the list is open; its drawing."""

    def __init__(self):
        self.visible = False

    def toggle(self):
        self.visible = not self.visible

    def state(self, errors):
        """For the state JSON: open or not, and the recent errors, oldest first."""
        return {"visible": self.visible, "recent": [line for _, line in errors.recent], "followed": errors.followed}

    def draw(self, surface, errors):
        """A panel with the recent errors, newest first, each wrapped whole; those that do not fit are left out."""
        from mlcore.widgets import theme, ui

        look = theme.current()
        width, height = surface.get_size()
        panel = ui.panel(surface, (MARGIN, MARGIN, width - 2 * MARGIN, height - 2 * MARGIN), colour=PANEL, alpha=255)
        inner = panel.width - 32
        y = panel.y + 12
        lines = [
            (row, look.panel_text, 26, True)
            for row in ui.wrap(
                "Recent errors in your code, newest first (W or a click closes this list)", inner, 26, bold=True
            )
        ]
        if errors.followed:
            lines += [
                (row, (255, 200, 200), TEXT_SIZE, False)
                for row in ui.wrap(
                    f"{errors.followed} more came after the setup error: fix that one first, then save the file",
                    inner,
                    TEXT_SIZE,
                )
            ]
        for clock, line in reversed(errors.recent):
            lines += [(row, (255, 255, 255), TEXT_SIZE, False) for row in ui.wrap(f"{clock}  {line}", inner, TEXT_SIZE)]
        if not errors.recent:
            lines.append(("no errors yet", look.panel_text, TEXT_SIZE, False))
        for text, colour, size, bold in lines:
            step = ui.line_height(size) + 2
            if y + step > panel.bottom - 8:
                break
            ui.label(surface, text, (panel.x + 16, y), size=size, colour=colour, bold=bold, padding=0)
            y += step
