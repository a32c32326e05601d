"""Drawing helpers shared by the sketches: text, panels, progress bars, line charts and buttons.

Sizes and colours come from the current theme (`mlcore.widgets.theme`): `ui.INK`, `ui.ACCENT`, `ui.PANEL`… are the
theme's colours at the moment they are read, so F2 (or `--projector`) changes every drawing at once. Text is never
smaller on screen than the theme's minimum: `font` enlarges it when the window shrinks the canvas.
"""

import pygame

from mlcore.widgets import theme

# The module's colour names and the theme fields they read.
_THEME_COLOURS = {
    "INK": "ink",
    "PAPER": "paper",
    "DIM": "dim",
    "PANEL": "panel",
    "PANEL_TEXT": "panel_text",
    "PANEL_DIM": "panel_dim",
    "ACCENT": "accent",
    "ERROR": "error",
    "SERIES_COLOURS": "series",
    "GRID": "grid",
}


def __getattr__(name):
    if name in _THEME_COLOURS:
        return getattr(theme.current(), _THEME_COLOURS[name])
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_fonts = {}
_floors = {}  # (size, minimum, scale) -> the size drawn


def _font(size, bold):
    key = (size, bold)
    if key not in _fonts:
        if not pygame.font.get_init():  # measuring a layout before any window (tests, scripts)
            pygame.font.init()
        _fonts[key] = pygame.font.Font(None, size)
        _fonts[key].set_bold(bold)
    return _fonts[key]


def shown_size(size):
    """The font size drawn for `size`: larger where the window's scale would make it smaller on screen than the
    theme's minimum."""
    minimum, scale = theme.current().min_text_px, theme.scale()
    key = (size, minimum, scale)
    if key not in _floors:
        shown = size
        while _font(shown, False).get_height() * scale < minimum and shown < 400:
            shown += 1
        _floors[key] = shown
    return _floors[key]


def font(size, bold=False):
    """pygame's bundled font at `size` pixels (at least the theme's minimum on screen), created once."""
    return _font(shown_size(size), bold)


def line_height(size):
    """How many canvas pixels a line of text at `size` takes."""
    return font(size).get_height()


def forget_fonts():
    """Drop the cached fonts (they die with pygame.font.quit)."""
    _fonts.clear()


def cap_height(size, bold=False):
    """The height of a capital letter at `size` (as drawn: at least the theme's minimum), in canvas pixels."""
    return font(size, bold).metrics("H")[0][3]


def label(
    surface, text, pos, size=28, colour=None, background=None, anchor="topleft", bold=False, padding=4, readout=False
):
    """Draw one line of text (in the theme's ink unless `colour`); `anchor` names the point of its box that lands on
    `pos`. Returns the box. The text, its height and its capital height on screen go to the frame's record
    (`theme.report`), with its box when drawn on the frame's canvas; `readout`: one of the lesson's key readouts."""
    typeface = font(size, bold)
    image = typeface.render(str(text), True, theme.current().ink if colour is None else colour)
    box = image.get_rect(**{anchor: pos})
    if str(text).strip():
        on_canvas = surface is theme.screen()
        theme.record(
            text,
            typeface.get_height(),
            cap=typeface.metrics("H")[0][3],
            box=box if on_canvas else None,
            readout=readout,
        )
    if background is not None:
        pygame.draw.rect(surface, background, box.inflate(2 * padding, 2 * padding), border_radius=4)
    surface.blit(image, box)
    return box


def text_width(text, size=28, bold=False):
    return font(size, bold).size(str(text))[0]


def cut(text, width, size=28, bold=False):
    """`text` cut with an ellipsis so that it fits `width` pixels at `size`."""
    text = str(text)
    if text_width(text, size, bold) <= width:
        return text
    theme.record_cut(text)
    while text and text_width(text + "…", size, bold) > width:
        text = text[:-1]
    return text + "…"


def wrap(text, width, size=28, bold=False):
    """`text` broken into lines that fit `width` pixels at `size`; words joined by a no-break space (\u00a0) stay
    on one line."""
    lines, line = [], ""
    for word in str(text).replace("\n", " ").replace("\t", " ").split(" "):
        if not word:
            continue
        candidate = f"{line} {word}".strip()
        if line and text_width(candidate, size, bold) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    return lines + [line] if line else lines


def text_colour(background):
    """Dark ink or white, whichever reads better on `background`."""
    red, green, blue = background[:3]
    return theme.current().ink if 0.299 * red + 0.587 * green + 0.114 * blue > 150 else (255, 255, 255)


def panel(surface, rect, colour=None, alpha=235, radius=10):
    """A rounded, nearly opaque panel (the theme's panel colour unless `colour`)."""
    rect = pygame.Rect(rect)
    colour = theme.current().panel if colour is None else colour
    layer = pygame.Surface(rect.size, pygame.SRCALPHA)
    pygame.draw.rect(layer, (*colour, alpha), layer.get_rect(), border_radius=radius)
    surface.blit(layer, rect)
    return rect


def progress_bar(surface, rect, fraction, colour=None, back=(80, 80, 92)):
    """A rounded bar filled to `fraction` (in the theme's accent unless `colour`)."""
    rect = pygame.Rect(rect)
    colour = theme.current().accent if colour is None else colour
    pygame.draw.rect(surface, back, rect, border_radius=rect.height // 2)
    filled = rect.copy()
    filled.width = round(rect.width * max(0.0, min(1.0, fraction)))
    if filled.width:
        pygame.draw.rect(surface, colour, filled, border_radius=rect.height // 2)


class Button:
    """A clickable box with a caption."""

    def __init__(self, rect, caption, action=None, size=24):
        self.rect = pygame.Rect(rect)
        self.caption = caption
        self.action = action
        self.size = size
        self.enabled = True
        self.selected = False

    def draw(self, surface):
        look = theme.current()
        if self.selected:
            back, fore = look.accent, (255, 255, 255)
        elif self.enabled:
            back, fore = (225, 228, 235), look.ink
        else:
            back, fore = (235, 235, 235), (150, 150, 150)
        pygame.draw.rect(surface, back, self.rect, border_radius=6)
        pygame.draw.rect(
            surface,
            look.dim if look.stroke > 2 else (120, 124, 135),
            self.rect,
            max(1, look.stroke // 2),
            border_radius=6,
        )
        caption = cut(self.caption, self.rect.width - 8, self.size)
        label(surface, caption, self.rect.center, size=self.size, colour=fore, anchor="center")

    def hit(self, x, y):
        return self.enabled and self.rect.collidepoint(x, y)
