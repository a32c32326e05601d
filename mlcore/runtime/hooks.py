"""A sketch's hooks: found by name, called with only the arguments they ask for, misspellings pointed out."""

import difflib
import inspect

HOOKS = ["setup", "draw", "update", "key_pressed", "key_released", "mouse_pressed", "mouse_released",
         "mouse_moved", "mouse_wheel", "file_dropped", "state", "quitting", "reloaded", "arguments", "notice"]


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
