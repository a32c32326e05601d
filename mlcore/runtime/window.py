"""The window: a screen to open it on, a size that fits that screen, and the canvas scaled into it."""

import os
import sys

# Room kept free on the screen for the window's title bar and the desktop's task bar.
SCREEN_MARGIN = (0, 80)
UNSEEN_DRIVERS = ("offscreen", "dummy")


class NoDisplay(Exception):
    """No window can be opened here; the message says what to do instead."""


def no_display_sentence():
    display = os.environ.get("DISPLAY")
    where = f"the display {display} cannot be reached" if display else "there is no screen here"
    return (
        f"no display: {where}, so no window can open (run the sketch from a desktop's terminal, with xvfb-run on "
        "a server, or with --headless for scripts)"
    )


def start_display(pygame, headless, driver_chosen):
    """Start pygame's display; raises NoDisplay when only an unseen one is left and none was asked for."""
    try:
        pygame.display.init()
    except pygame.error as error:
        raise NoDisplay(f"{no_display_sentence()}; SDL says: {error}") from None
    if not (headless or driver_chosen) and pygame.display.get_driver() in UNSEEN_DRIVERS:
        raise NoDisplay(no_display_sentence())


def fitted_scale(canvas, scale, screen):
    """The largest scale up to `scale` whose window fits on `screen` (less its margins)."""
    room = (screen[0] - SCREEN_MARGIN[0], screen[1] - SCREEN_MARGIN[1])
    return min(scale, room[0] / canvas[0], room[1] / canvas[1])


def fitted_words(ratio):
    """What the screen says of a window made `ratio` times the size asked for (the terminal gets the numbers)."""
    if ratio >= 0.9:
        return "the window was made a little smaller to fit this screen"
    return f"the window was made smaller to fit this screen ({ratio:.0%} of the size asked for)"


def open_window(pygame, canvas, scale, fullscreen):
    """Open the window; returns (window, notice): the notice says when it was made smaller to fit the screen."""
    if fullscreen:
        return pygame.display.set_mode((0, 0), pygame.FULLSCREEN), None
    notice = None
    if pygame.display.get_driver() not in UNSEEN_DRIVERS:
        screen = pygame.display.get_desktop_sizes()[0]
        fitted = fitted_scale(canvas, scale, screen)
        if fitted < scale:
            wanted = f"--scale {scale:g} makes" if scale != 1 else "the canvas needs"
            print(
                f"{wanted} a {_size(canvas, scale)} window, larger than this {screen[0]}×{screen[1]} screen: "
                f"the window is {_size(canvas, fitted)} (scale {fitted:.2f})",
                file=sys.stderr,
            )
            notice = fitted_words(fitted / scale)
            scale = fitted
    return pygame.display.set_mode(_pixels(canvas, scale), pygame.RESIZABLE), notice


def _pixels(canvas, scale):
    return (max(1, round(canvas[0] * scale)), max(1, round(canvas[1] * scale)))


def _size(canvas, scale):
    width, height = _pixels(canvas, scale)
    return f"{width}×{height}"


class Fit:
    """Where the canvas lies in the window: scaled to fit, keeping its shape (black bars where shapes differ)."""

    def __init__(self, canvas, window):
        self.canvas = canvas
        width, height = window
        self.scale = min(width / canvas[0], height / canvas[1])
        self.offset = ((width - canvas[0] * self.scale) / 2, (height - canvas[1] * self.scale) / 2)

    def to_canvas(self, pos):
        return ((pos[0] - self.offset[0]) / self.scale, (pos[1] - self.offset[1]) / self.scale)

    def to_window(self, x, y):
        return (round(x * self.scale + self.offset[0]), round(y * self.scale + self.offset[1]))

    @property
    def identity(self):
        return self.scale == 1 and self.offset == (0, 0)

    def present(self, pygame, window, frame):
        """Copy the frame into the window, scaled, and show it."""
        if self.identity:
            window.blit(frame, (0, 0))
        else:
            window.fill((0, 0, 0))
            size = (round(self.canvas[0] * self.scale), round(self.canvas[1] * self.scale))
            window.blit(pygame.transform.smoothscale(frame, size), (round(self.offset[0]), round(self.offset[1])))
        pygame.display.flip()
