"""A sketch's knobs, the CAPITALS at the top of its file, checked when it starts and each time it is reloaded.

The runtime checks the ones it uses itself (WIDTH and HEIGHT: the canvas's size) and hands every knob to the
sketch's `knobs(values)` hook (the note canvas supplies one) for the rest. Each bad knob is one sentence that names
it, "EPOCHS must be a whole number from 1 to 10000 (it is 0)", shown on the red bar with the line of the file that
sets it, until a reload brings a good value.
"""

import ast
import os

from mlcore.knob_rules import shown


def knob_values(namespace):
    """The sketch's knobs: its module-level names written in CAPITALS, with their values."""
    return {
        name: value
        for name, value in namespace.items()
        if name.isupper() and not name.startswith("_") and not isinstance(value, type)
    }


def merged(own, from_hook):
    """The host's sentences, then the runtime's about knobs the host did not name (one sentence per knob)."""
    named = {sentence.split(" ", 1)[0] for sentence in from_hook}
    return list(from_hook) + [sentence for sentence in own if sentence.split(" ", 1)[0] not in named]


def knob_lines(path):
    """{NAME: line} of the first module-level assignment of each CAPITALS name in the file at `path` (and
    {'NAME["key"]': line} of an entry set on its own line)."""
    try:
        with open(path, encoding="utf-8") as file:
            tree = ast.parse(file.read())
    except (OSError, SyntaxError, ValueError):
        return {}
    lines = {}
    for statement in tree.body:
        targets = (
            statement.targets
            if isinstance(statement, ast.Assign)
            else ([statement.target] if isinstance(statement, (ast.AnnAssign, ast.AugAssign)) else [])
        )
        for target in targets:
            if (
                isinstance(target, ast.Subscript)
                and isinstance(target.value, ast.Name)
                and isinstance(target.slice, ast.Constant)
            ):  # NOTES["K"] = 523.25: that entry's own line
                lines.setdefault(f"{target.value.id}[{shown(target.slice.value)}]", statement.lineno)
            for node in ast.walk(target):
                if isinstance(node, ast.Name) and node.id.isupper():
                    lines.setdefault(node.id, statement.lineno)
    return lines


def located(sentences, path):
    """Each sentence with `file.py:LINE: ` before it, the line that sets the knob it names (its first word), in the
    order of those lines (as the student reads the file)."""
    lines = knob_lines(path) if path else {}
    name = os.path.basename(path) if path else ""
    found = []
    for sentence in sentences:
        knob = sentence.split(" ", 1)[0].rstrip(":")
        line = lines.get(knob) or lines.get(knob.split("[", 1)[0])
        found.append((line or float("inf"), f"{name}:{line}: {sentence}" if line else sentence))
    return [text for _, text in sorted(found, key=lambda pair: pair[0])]
