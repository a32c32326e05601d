"""Live reload: when the student saves the sketch's file, its new code takes over the running window.

The file's modification time is looked at twice a second from the frame loop (a `stat`, no thread). The new source
runs into a fresh module object and its `setup(args)` runs; if either raises, the old code keeps running and the
error shows on screen. Then what the student collected carries over:

- a module-level object of the new code whose name and type match an object of the old code, and whose type has a
  `carry_over(old)` method, takes over the old one's state (the note sketches' `canvas` keeps its samples, note and
  runs; their `network` keeps its training when its task, hidden layers and activation did not change);
- the new module's optional hook `reloaded(old_module)` carries over anything else a sketch keeps.
"""

import os
import sys
import time
import types

LOOK_EVERY_S = 0.5


class SketchFile:
    """The sketch's source file, looked at every LOOK_EVERY_S seconds: `changed()` is True once per save."""

    def __init__(self, path):
        self.path = path
        self.seen = self._stamp()
        self.next_look = time.monotonic() + LOOK_EVERY_S

    def _stamp(self):
        try:
            status = os.stat(self.path)
        except OSError:
            return None
        return (status.st_mtime_ns, status.st_size)

    def changed(self):
        now = time.monotonic()
        if now < self.next_look:
            return False
        self.next_look = now + LOOK_EVERY_S
        stamp = self._stamp()
        if stamp is None or stamp == self.seen:
            return False  # a file being replaced can be missing for a moment: look again later
        self.seen = stamp
        return True


def sketch_path(module):
    """The file a sketch's module was read from, or None (a module made in memory cannot be reloaded)."""
    path = getattr(module, "__file__", None)
    return path if path and path.endswith(".py") and os.path.isfile(path) else None


def module_name(module):
    """The name the new code runs under: never "__main__", so that its `if __name__ == "__main__": run()` stays
    quiet."""
    if module.__name__ != "__main__":
        return module.__name__
    spec = getattr(module, "__spec__", None)
    if spec is not None and spec.name and spec.name != "__main__":
        return spec.name
    return os.path.splitext(os.path.basename(module.__file__))[0]


def fresh_module(old):
    """Run the sketch's file again into a new module object; raises what the new code raises (SyntaxError…)."""
    path = old.__file__
    with open(path, encoding="utf-8") as file:
        source = file.read()
    code = compile(source, path, "exec")
    name = module_name(old)
    module = types.ModuleType(name)
    module.__file__ = path
    module.__spec__ = None if old.__name__ == "__main__" else getattr(old, "__spec__", None)
    previous = sys.modules.get(name)
    sys.modules[name] = module  # dataclasses and pickle look a class's module up while the code runs
    try:
        exec(code, vars(module))
    except BaseException:
        _restore(name, previous)
        raise
    return module


def _restore(name, previous):
    if previous is None:
        sys.modules.pop(name, None)
    else:
        sys.modules[name] = previous


def carry_over(old_namespace, new_namespace):
    """Module-level objects of the new code take over the state of the old objects of the same name and type."""
    for name, new in list(new_namespace.items()):
        old = old_namespace.get(name)
        if old is None or old is new or type(old) is not type(new) or isinstance(new, type):
            continue
        method = getattr(new, "carry_over", None)
        if callable(method):
            method(old)
