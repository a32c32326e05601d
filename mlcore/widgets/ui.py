"""Drawing helpers shared by the sketches: text, panels, progress bars, line charts and buttons.

Text is large and high-contrast by default, because sketches are often shown on a washed-out projector.
"""

import pygame

INK = (20, 20, 28)
PAPER = (246, 246, 242)
DIM = (110, 110, 120)
PANEL = (32, 34, 44)
PANEL_TEXT = (240, 240, 240)
ACCENT = (0, 114, 178)  # the blue of predictions (Okabe–Ito blue)
ERROR = (190, 30, 30)
# Curves: training solid, validation in a second colour; both stay apart for colour-blind viewers.
SERIES_COLOURS = [(86, 180, 233), (230, 159, 0), (0, 158, 115), (204, 121, 167)]

_fonts = {}


def font(size, bold=False):
    """pygame's bundled font at `size` pixels, created once."""
    key = (size, bold)
    if key not in _fonts:
        _fonts[key] = pygame.font.Font(None, size)
        _fonts[key].set_bold(bold)
    return _fonts[key]


def forget_fonts():
    """Drop the cached fonts (they die with pygame.font.quit)."""
    _fonts.clear()


def label(surface, text, pos, size=28, colour=INK, background=None, anchor="topleft", bold=False, padding=4):
    """Draw one line of text; `anchor` names the point of its box that lands on `pos`. Returns the box."""
    image = font(size, bold).render(str(text), True, colour)
    box = image.get_rect(**{anchor: pos})
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
    while text and text_width(text + "…", size, bold) > width:
        text = text[:-1]
    return text + "…"


def wrap(text, width, size=28):
    """`text` broken into lines that fit `width` pixels at `size`."""
    lines, line = [], ""
    for word in str(text).split():
        candidate = f"{line} {word}".strip()
        if line and text_width(candidate, size) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    return lines + [line] if line else lines


def text_colour(background):
    """Dark ink or white, whichever reads better on `background`."""
    red, green, blue = background[:3]
    return INK if 0.299 * red + 0.587 * green + 0.114 * blue > 150 else (255, 255, 255)


def panel(surface, rect, colour=PANEL, alpha=235, radius=10):
    """A rounded, nearly opaque panel."""
    rect = pygame.Rect(rect)
    layer = pygame.Surface(rect.size, pygame.SRCALPHA)
    pygame.draw.rect(layer, (*colour, alpha), layer.get_rect(), border_radius=radius)
    surface.blit(layer, rect)
    return rect


def progress_bar(surface, rect, fraction, colour=ACCENT, back=(80, 80, 92)):
    rect = pygame.Rect(rect)
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
        if self.selected:
            back, fore = ACCENT, (255, 255, 255)
        elif self.enabled:
            back, fore = (225, 228, 235), INK
        else:
            back, fore = (235, 235, 235), (160, 160, 160)
        pygame.draw.rect(surface, back, self.rect, border_radius=6)
        pygame.draw.rect(surface, (120, 124, 135), self.rect, 1, border_radius=6)
        label(surface, self.caption, self.rect.center, size=self.size, colour=fore, anchor="center")

    def hit(self, x, y):
        return self.enabled and self.rect.collidepoint(x, y)
