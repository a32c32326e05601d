"""Python's own account of an error, as its default handler prints it: the traceback, "Did you mean: 'label'?" and
the notes added to the error (`add_note`, Python 3.11 on).

The `traceback` module leaves the "Did you mean" out on Python 3.10 and 3.11 (only the interpreter's own handler
computes it there), so the runtime prints through that handler, `sys.__excepthook__`, on every Python, and reads the
hint back from what it prints for the one-line message on the red bar.
"""

import io
import re
import sys

_ANSI = re.compile(r"\x1b\[[0-9;]*m")  # Python 3.13 may colour its tracebacks
_HINT = re.compile(r"\. (Did you (?:mean|forget to import)[^\n]*\?)\n")
_HINTED = (NameError, AttributeError, ImportError)


def print_error(error, file=None):
    """Print `error` with its traceback, exactly as Python prints an error nothing caught."""
    saved = sys.stderr
    sys.stderr = file or sys.stderr
    try:
        sys.__excepthook__(type(error), error, error.__traceback__)
    finally:
        sys.stderr = saved


def python_text(error):
    """What `print_error` prints for `error`, as plain text."""
    buffer = io.StringIO()
    print_error(error, buffer)
    return _ANSI.sub("", buffer.getvalue())


def hint(error):
    """Python's suggestion for a misspelt name ("Did you mean: 'label'?"), or "" when it has none."""
    if not isinstance(error, _HINTED):
        return ""
    found = _HINT.search(python_text(error))
    return found.group(1) if found and found.group(1) not in str(error) else ""


def notes(error):
    """The notes added to `error` with `add_note` (none before Python 3.11)."""
    added = getattr(error, "__notes__", None)
    return [str(note) for note in added] if isinstance(added, (list, tuple)) else []
