"""What every sketch's knobs share, whoever checks them (the runtime, the note canvas, the image app, the Training
page's settings): a value shown as the student wrote it, and the canvas's size from WIDTH and HEIGHT."""

SIZE_RANGE = (100, 8192)  # a canvas side, in pixels
DEFAULT_SIZE = (960, 600)


def is_whole(value):
    """A whole number, not True or False (which Python counts as 1 and 0)."""
    return isinstance(value, int) and not isinstance(value, bool)


def shown(value):
    """A value as the student wrote it: text in double quotes, anything else as Python writes it (50.0, [0])."""
    return f'"{value}"' if isinstance(value, str) else repr(value)


def canvas_size(namespace, default):
    """(width, height) of the canvas, from WIDTH and HEIGHT, and a sentence for each that cannot be a size (its
    default is used instead)."""
    size, problems = [], []
    low, high = SIZE_RANGE
    for name, fallback in zip(("WIDTH", "HEIGHT"), default):
        value = namespace.get(name, fallback)
        if is_whole(value) and low <= value <= high:
            size.append(value)
        else:
            size.append(fallback)
            problems.append(f"{name} must be a whole number from {low} to {high} (it is {shown(value)})")
    return tuple(size), problems
