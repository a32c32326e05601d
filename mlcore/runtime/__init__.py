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
    update(dt, frame_count)          every frame before draw; dt in seconds, frame_count the frames drawn so far
    key_pressed(key, unicode, mod)   key is pygame.key.name's name: "a", "space", "backspace"…
    key_released(key)
    mouse_pressed(x, y, button)      canvas coordinates (the host's, below); 1 left, 2 middle, 3 right
    mouse_released(x, y, button)
    mouse_moved(x, y, buttons)        every move over the canvas, buttons held or not
    mouse_dragged(x, y, buttons)      a move while a button pressed on the canvas is held (after mouse_moved)
    mouse_wheel(x, y, dy)
    file_dropped(path)
    state()                          a dict for --state-json and for replay's "wait" action
    quitting()                       when the window is asked to close (save what must not be lost); returning
                                     False (nothing could be saved) refuses the first Esc, with a red line asking
                                     for a second one, and the process then exits with status 3; a number is the
                                     exit status to end with
    reloaded(old_module)             after the sketch's file was saved and its new code took over (below)
    arguments(parser)                add the sketch's own command-line options to an argparse parser
    notice(text, seconds, error)     the runtime's news ("reloaded", a window made smaller to fit) for the
                                     sketch's own message bar; without it, the runtime draws them at the bottom
    knobs(values)                    the sketch's CAPITALS, at the start and at each reload: returns a sentence
                                     for each bad one ("EPOCHS must be …"), shown with the line that sets it
                                     (the runtime checks WIDTH and HEIGHT itself: knobs.py)

A hook the sketch leaves out comes from its host, the module-level `canvas` (or else `app`) object, when that has
a method of the hook's name (all but setup, arguments and reloaded): the note sketches' canvas supplies draw,
update, state, notice and quitting, so that the sketch holds only the lesson. Defining the hook overrides the
host's (and may call it: `canvas.draw(screen)`). The host's `point_under(x, y)`, if it has one, turns the canvas
point under the mouse into the place the mouse hooks are given (hooks.py).

A mistake in the sketch's code never ends it: an exception in a hook (or in what a hook calls) prints its
traceback once and shows `my_sketch.py:12: ZeroDivisionError: division by zero` in a red bar, naming the innermost
line of the sketch's own file, for at least 8 s and until that hook runs cleanly again, with Python's own "Did you
mean" (errors.py, tracebacks.py); W or a click on the bar lists the recent ones (error_list.py). The window goes on
(a failing draw leaves the last good frame), and the process exits with status 1 at the end. A hook that runs 3 s
without finishing, on the sketch's own lines, is stopped there and not called again until a reload (watchdog.py). Saving the sketch's file reloads its code within
a second (reload.py: objects with `carry_over(old)` keep their state; off with --no-reload, and in --replay runs
unless --reload).

Live values are read from stable objects: `mouse.x`, `mouse.y`, `mouse.pressed`, `keyboard.held` (a set of key
names) and `frames.count`. The runtime's `step()` handles events, updates and draws exactly one frame; `run()` is
`step()` in a loop. The common command line (`--headless`, `--replay`, `--record`, `--screenshot`, …) is described
in README.md.
"""

from mlcore.runtime.inputs import frames, keyboard, mouse
from mlcore.runtime.loop import Runner, run

__all__ = ["Runner", "frames", "keyboard", "mouse", "run"]
