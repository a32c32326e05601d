"""The canvas's vocabulary checked where a sketch calls it: a wrong argument raises at the student's own line, in
words that name what the method takes, instead of failing later inside the canvas's drawing."""

import math

# What `show_prediction` takes besides the place, for each task (the canvas draws these).
PREDICTION_FIELDS = {
    "classification": {"label": str, "confidence": float},
    "regression": {"frequency": float, "nearest_note": str, "cents": float},
}


def finite(value):
    """A plain number, neither infinite nor NaN."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def check_place(call, x, y):
    """x and y are finite numbers, or TypeError naming `call` ("add_sample(x, y, note)")."""
    for name, value in (("x", x), ("y", y)):
        if not finite(value):
            raise TypeError(f"{call}: {name} must be a number, a place on the canvas (not {value!r})")


def check_frequency(call, hz):
    """hz is a frequency a speaker can play (a number above 0), or ValueError naming `call`."""
    if not (finite(hz) and hz > 0):
        raise ValueError(f"{call}: hz must be a number of Hz above 0, like 440 (not {hz!r})")


def prediction_call(task):
    """How a sketch calls show_prediction for `task`: 'show_prediction(x, y, label=…, confidence=…)'."""
    return "show_prediction(x, y, " + ", ".join(f"{name}=…" for name in PREDICTION_FIELDS[task]) + ")"


def check_prediction(task, x, y, result):
    """The keywords of `show_prediction` are exactly those the task draws, each a number or a text as it should be;
    else TypeError naming the call the task expects."""
    call = prediction_call(task)
    check_place(call, x, y)
    wanted = PREDICTION_FIELDS[task]
    missing, unknown = [name for name in wanted if name not in result], [name for name in result if name not in wanted]
    if missing or unknown:
        said = "; ".join(
            part
            for part in (
                f"missing {', '.join(missing)}" if missing else "",
                f"unknown {', '.join(unknown)}" if unknown else "",
            )
            if part
        )
        raise TypeError(f"{call} for a {task} ({said})")
    for name, kind in wanted.items():
        good = finite(result[name]) if kind is float else isinstance(result[name], str)
        if not good:
            what = "a number" if kind is float else "a text"
            raise TypeError(f"{call}: {name} must be {what} (not {result[name]!r})")
