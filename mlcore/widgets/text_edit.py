"""A box to type a short text in: a setting's value, a class name."""

import pygame

from mlcore.widgets import ui


class TextEdit:
    """Text typed into a box: the first key after a click replaces it all, Backspace erases, Enter and Tab end it.

    The Training page's settings and the New dataset view's class name both type through one of these.
    """

    def __init__(self, allowed=None, limit=40):
        self.allowed = allowed  # the characters it takes besides digits (None: any printable one)
        self.limit = limit
        self.text = ""
        self.fresh = True  # just clicked: the first key typed replaces the whole value

    def set(self, text):
        self.text, self.fresh = str(text), True

    def type(self, key, unicode):
        """Take one key; returns "enter" or "tab" when the key ends the typing, else None."""
        if key in ("return", "enter", "keypad enter"):
            return "enter"
        if key == "tab":
            return "tab"
        if key == "backspace":
            self.text = "" if self.fresh else self.text[:-1]
            self.fresh = False
            return None
        character = " " if key == "space" else unicode
        if not character or len(character) != 1 or not character.isprintable() or len(self.text) >= self.limit:
            return None
        if self.allowed is not None and not (character.isdigit() or character in self.allowed):
            return None
        self.text = character if self.fresh else self.text + character
        self.fresh = False
        return None

    def draw(self, screen, box, editing, shown=None, placeholder="", size=30, keep_end=False):
        """The box; `shown` is the value displayed while not editing (default: the text typed).

        A text too long for the box is cut at its end, or at its start with `keep_end` (a path: its file name).
        """
        box = pygame.Rect(box)
        pygame.draw.rect(screen, (255, 255, 255), box, border_radius=6)
        pygame.draw.rect(screen, ui.ACCENT if editing else (120, 124, 135), box, 3 if editing else 1, border_radius=6)
        text = self.text if editing or shown is None else shown
        position = (box.x + 10, box.centery)
        if not text and not editing and placeholder:
            ui.label(
                screen, ui.cut(placeholder, box.width - 20, size), position, size=size, colour=ui.DIM, anchor="midleft"
            )
            return
        if keep_end and ui.text_width(text, size) > box.width - 20:
            while text and ui.text_width("…" + text, size) > box.width - 20:
                text = text[1:]
            text = "…" + text
        else:
            text = ui.cut(text, box.width - 20, size)
        if editing and self.fresh and text:
            drawn = ui.label(
                screen,
                text,
                position,
                size=size,
                colour=(255, 255, 255),
                background=ui.ACCENT,
                anchor="midleft",
                padding=2,
            )
        else:
            drawn = ui.label(screen, text, position, size=size, anchor="midleft")
        if editing and (pygame.time.get_ticks() // 500) % 2 == 0:
            right = drawn.right + 3 if text else box.x + 12
            pygame.draw.line(screen, ui.INK, (right, drawn.top), (right, drawn.bottom), 2)
