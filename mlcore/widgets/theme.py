"""The look of every sketch, chosen once: text sizes, strokes and colours, in a default and a projector theme.

Drawing code reads the current theme (`current()`) instead of writing sizes and colours of its own. Sizes are
font sizes on the canvas; the canvas is scaled to the window, so `begin_frame` measures the window's scale, and
`mlcore.widgets.ui.font` enlarges any text whose height on screen would fall under the theme's minimum. Every
text drawn is recorded with its height on screen (`report()`), so a test can audit what a frame showed: `texts`
(each text and its height), and `text_audit` (each with its capital height, its box on the canvas and whether it is
one of the lesson's key readouts) and `cut` (texts shortened with "…" to fit).

Text height is the font's height in window pixels (ascent + descent, pygame's `Font.get_height()`), the size a
web page's `font-size` names; a capital letter is about three quarters of it.
"""

from dataclasses import dataclass

import numpy as np
import pygame


@dataclass(frozen=True)
class Theme:
    """Sizes (font sizes on the canvas, strokes in pixels) and colours of one look."""

    name: str
    min_text_px: int  # no text smaller than this on screen, whatever the window's scale
    tick: int  # chart ticks and legends, captions of small things
    small: int  # secondary lines: hints, summaries, table cells
    text: int  # ordinary text
    stroke: int  # curves, outlines, frames
    ink: tuple = (20, 20, 28)
    paper: tuple = (246, 246, 242)
    dim: tuple = (110, 110, 120)
    panel: tuple = (32, 34, 44)
    panel_text: tuple = (240, 240, 240)
    panel_dim: tuple = (170, 170, 180)
    grid: tuple = (70, 72, 84)
    # Predictions: a deep blue that no note colour comes near (CIE76 ΔE over 60 from each of them).
    accent: tuple = (30, 40, 150)
    error: tuple = (190, 30, 30)
    # Curves: training solid, validation in a second colour; both stay apart for colour-blind viewers.
    series: tuple = ((86, 180, 233), (230, 159, 0), (0, 158, 115), (204, 121, 167))
    correct: tuple = (0, 114, 178)  # confusion matrices: the diagonal (blue)
    mistake: tuple = (213, 94, 0)  # and the errors (vermilion)
    heat_floor: float = 0.45  # a cell with any count is at least this far from white towards its hue


DEFAULT = Theme("default", min_text_px=14, tick=22, small=22, text=26, stroke=2)
PROJECTOR = Theme(
    "projector",
    min_text_px=18,
    tick=26,
    small=26,
    text=30,
    stroke=4,
    ink=(0, 0, 0),
    paper=(255, 255, 255),
    dim=(70, 70, 78),
    panel=(16, 16, 22),
    panel_text=(255, 255, 255),
    panel_dim=(215, 215, 225),
    grid=(120, 122, 136),
    error=(200, 0, 0),
    series=((86, 180, 233), (255, 170, 0), (0, 190, 140), (230, 140, 190)),
    mistake=(220, 70, 0),
    heat_floor=0.6,
)
THEMES = {theme.name: theme for theme in (DEFAULT, PROJECTOR)}


class _Frame:
    """What the frame being drawn knows: the theme, the window's scale, the texts drawn so far."""

    def __init__(self):
        self.theme = DEFAULT
        self.scale = 1.0
        self.window = None
        self.texts = []  # (text, height in window pixels)
        self.last = []  # the texts of the previous complete frame
        self.screen = None  # the canvas being drawn: texts drawn on it are audited with their boxes
        self.audit = []  # one dict per text: its height, capital height, box, and whether it is a key readout
        self.last_audit = []
        self.cut = []  # texts shortened with an ellipsis to fit (ui.cut), this frame
        self.last_cut = []


_frame = _Frame()


def current():
    """The theme in use."""
    return _frame.theme


def use(theme):
    """Use a theme, given by name ("default", "projector") or as a Theme."""
    _frame.theme = THEMES[theme] if isinstance(theme, str) else theme
    return _frame.theme


def toggle():
    """Switch between the default and the projector theme; returns the one now in use."""
    return use(DEFAULT if _frame.theme.name == PROJECTOR.name else PROJECTOR)


def reset():
    """Start again as if nothing had been drawn: the default theme, at scale 1, no texts noted (for a test that
    must not see what an earlier one drew)."""
    _frame.__init__()


def begin_frame(screen):
    """Call before drawing a frame on `screen` (the canvas): measures the window's scale, starts a new text list."""
    window = pygame.display.get_surface() if pygame.display.get_init() else None
    width, height = screen.get_size()
    if window is not None and width and height:
        window_width, window_height = window.get_size()
        _frame.scale = min(window_width / width, window_height / height)
        _frame.window = (window_width, window_height)
    else:
        _frame.scale, _frame.window = 1.0, None
    if _frame.texts:
        _frame.last, _frame.last_audit, _frame.last_cut = _frame.texts, _frame.audit, _frame.cut
    _frame.texts, _frame.audit, _frame.cut = [], [], []
    _frame.screen = screen


def scale():
    """Window pixels per canvas pixel."""
    return _frame.scale


def screen():
    """The canvas of the frame being drawn (None before the first frame)."""
    return _frame.screen


def record(text, height, cap=None, box=None, readout=False):
    """Note a text drawn `height` canvas pixels tall; `cap`: its capital letters' height, `box`: where it lies on the
    canvas (None when drawn on another surface), `readout`: one of the lesson's key readouts (read from the back)."""
    entry = audit_entry(text, height, cap, box, readout)
    _frame.texts.append((entry["text"], entry["px"]))
    _frame.audit.append(entry)


def audit_entry(text, height, cap=None, box=None, readout=False):
    """What `record` notes of a text, at the window's scale now (for `record_entries`: a layer drawn once, whose
    texts are noted again with every frame)."""
    return {
        "text": str(text),
        "px": round(height * _frame.scale, 1),
        "cap_px": None if cap is None else round(cap * _frame.scale, 1),
        "box": None if box is None else [int(value) for value in box],
        "readout": bool(readout),
    }


def record_entries(entries):
    """Note texts made by `audit_entry` earlier, as drawn again in this frame (`entries` is a list of them, or
    such a list made into `Entries` once, for a layer of thousands noted again with every frame)."""
    if not isinstance(entries, Entries):
        entries = Entries(entries)
    _frame.texts.extend(entries.texts)
    _frame.audit.extend(entries)


class Entries(list):
    """`audit_entry` results with their (text, px) pairs made once."""

    def __init__(self, entries):
        super().__init__(entries)
        self.texts = [(entry["text"], entry["px"]) for entry in self]

    def add(self, entry):
        self.append(entry)
        self.texts.append((entry["text"], entry["px"]))


def record_cut(text):
    """Note a text that was shortened with an ellipsis to fit."""
    _frame.cut.append(str(text))


def report():
    """The theme, the window's scale and every text of the last frame with its height on screen (for the state)."""
    texts = _frame.texts or _frame.last
    audit, cut = (_frame.audit, _frame.cut) if _frame.texts else (_frame.last_audit, _frame.last_cut)
    smallest = min((height for _, height in texts), default=None)
    caps = [entry["cap_px"] for entry in audit if entry["cap_px"] is not None]
    return {
        "theme": _frame.theme.name,
        "window": list(_frame.window) if _frame.window else None,
        "scale": round(_frame.scale, 4),
        "min_text_px": _frame.theme.min_text_px,
        "smallest_text_px": smallest,
        "texts": [[text, height] for text, height in texts],
        "smallest_cap_px": min(caps, default=None),
        "text_audit": [dict(entry) for entry in audit],
        "cut": list(cut),
    }


def heat_colour(hue, share, count):
    """A confusion cell's colour: white for no images, else at least `heat_floor` of the way to `hue`, more with
    the share of its row, so that a single mistake shows at a glance."""
    if count <= 0:
        return (255, 255, 255)
    floor = _frame.theme.heat_floor
    strength = floor + (1 - floor) * max(0.0, min(1.0, share))
    return tuple(int(round(255 + (channel - 255) * strength)) for channel in hue)


def lab(rgb):
    """CIE L*a*b* (D65) of an sRGB colour given as 0–255 numbers."""
    channels = np.asarray(rgb[:3], dtype=np.float64) / 255
    linear = np.where(channels <= 0.04045, channels / 12.92, ((channels + 0.055) / 1.055) ** 2.4)
    to_xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    xyz = to_xyz @ linear / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def delta_e(first, second):
    """How far apart two colours look (CIE76 ΔE: about 2 is just noticeable, over 30 clearly different)."""
    return float(np.linalg.norm(lab(first) - lab(second)))
