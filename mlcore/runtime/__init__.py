"""A small p5-like runtime on Pygame: a sketch is a module with `setup()`, `draw(screen)` and event hooks.

    from mlcore.runtime import run

    WIDTH, HEIGHT = 960, 600

    def draw(screen):
        screen.fill("white")

    def mouse_pressed(x, y, button):
        print("click at", x, y)

    if __name__ == "__main__":
        run()

Hooks are found by name and given only the arguments they ask for:

    setup(args)                      once, before the first frame (args: the parsed command line)
    draw(screen)                     every frame; screen is the canvas, WIDTH × HEIGHT, whatever the window's size
    update(dt)                       every frame before draw; dt in seconds
    key_pressed(key, unicode, mod)   key is pygame.key.name's name: "a", "space", "backspace"…
    key_released(key)
    mouse_pressed(x, y, button)      canvas coordinates; 1 left, 2 middle, 3 right
    mouse_released(x, y, button)
    mouse_moved(x, y, buttons)
    mouse_wheel(x, y, dy)
    file_dropped(path)
    state()                          a dict for --state-json and for replay's "wait" action
    quitting()                       once, when the window closes (save what must not be lost)
    arguments(parser)                add the sketch's own command-line options to an argparse parser

Live values are read from stable objects: `mouse.x`, `mouse.y`, `mouse.pressed`, `keyboard.held` (a set of key
names) and `frames.count`. The runtime's `step()` handles events, updates and draws exactly one frame; `run()` is
`step()` in a loop. The common command line (`--headless`, `--replay`, `--record`, `--screenshot`, …) is described
in README.md.
"""

from mlcore.runtime.inputs import frames, keyboard, mouse
from mlcore.runtime.loop import Runner, run

__all__ = ["Runner", "frames", "keyboard", "mouse", "run"]
