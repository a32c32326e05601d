"""A sketch's hooks: found by name, called with only the arguments they ask for, misspellings pointed out.

A hook the sketch leaves out is taken from its host, the module-level `canvas` (or else `app`) object, when that
has a method of the hook's name: the note sketches' canvas draws, updates, reports its state, shows the runtime's
notices and autosaves on quit, so the sketch itself holds only the lesson. A sketch overrides any of them by
defining the hook (and may call the host's method inside it). The host's optional `point_under(x, y)` turns the
canvas point under the mouse into the place the mouse hooks are given (the note canvas shrinks its view beside
the training popup).
"""

import difflib
import inspect

HOOKS = [
    "setup",
    "draw",
    "update",
    "key_pressed",
    "key_released",
    "mouse_pressed",
    "mouse_released",
    "mouse_moved",
    "mouse_dragged",
    "mouse_wheel",
    "file_dropped",
    "state",
    "quitting",
    "reloaded",
    "arguments",
    "notice",
    "knobs",
    "animating",
]
HOSTS = ["canvas", "app"]  # the names a sketch's host object may have, the first found wins
SKETCH_ONLY = ["setup", "arguments", "reloaded"]  # hooks a host never stands in for


def sketch_host(namespace):
    """The sketch's host object (its module-level `canvas`, or else `app`), or None."""
    for name in HOSTS:
        if namespace.get(name) is not None:
            return namespace[name]
    return None


def find_hook(namespace, name, skip_sketch=False):
    """The sketch's function `name`, else its host's method of that name; None when neither has one.
    `skip_sketch`: the host's method even where the sketch has its own (the sketch's was stopped)."""
    function = None if skip_sketch else namespace.get(name)
    if function is not None or name in SKETCH_ONLY:
        return function
    method = getattr(sketch_host(namespace), name, None)
    return method if callable(method) else None


def host_point(namespace, x, y):
    """Where the mouse hooks are told the canvas point (x, y) is: the host's `point_under(x, y)`, or (x, y)."""
    point_under = getattr(sketch_host(namespace), "point_under", None)
    return point_under(x, y) if callable(point_under) else (x, y)


def hook_arguments(function, available):
    """Call `function` with just the arguments it names (Pygame Zero's prepare_handler)."""
    parameters = inspect.signature(function).parameters
    if any(p.kind == p.VAR_KEYWORD for p in parameters.values()):
        return function(**available)
    return function(**{name: available[name] for name in parameters if name in available})


def misspelt_hooks(namespace):
    """Messages for functions whose names look like a hook but are not one (`mouse_presed`)."""
    messages = []
    for name, value in namespace.items():
        if callable(value) and not name.startswith("_") and name not in HOOKS and inspect.isfunction(value):
            if getattr(value, "__module__", None) != namespace.get("__name__"):
                continue  # imported from elsewhere, not written in the sketch
            close = difflib.get_close_matches(name, HOOKS, n=1, cutoff=0.8)
            if close:
                messages.append(f"'{name}' is never called: did you mean '{close[0]}'?")
    return messages
