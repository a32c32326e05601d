"""The image classifier's knobs checked, each bad one in one sentence that names it:

    EPOCHS must be a whole number from 1 to 10000 (it is 0)
    FEATURES must be None or one of "stored", "efficientnet_lite0", … (it is "resnet")
    RECORD_RATE must be a number above 0, up to 30 pictures a second (it is 0)

The training knobs follow the Training page's rules (`mlcore.ml.settings`); WIDTH and HEIGHT are the runtime's.
`changed` says which knobs a reload brought new values for.
"""

import math

from mlcore.image_engine.images import PipelineError
from mlcore.knob_rules import DEFAULT_SIZE, canvas_size
from mlcore.ml import settings
from mlcore.ml.features import EXTRACTORS

# The sketch's knobs the app reads, each with its keyword: the training settings are the same words in capitals.
KNOBS = {
    "DATASET": "dataset",
    "FEATURES": "features",
    "CAMERA": "camera",
    "RECORD_RATE": "record_rate",
    "TEST_FRACTION": "test_fraction",
    "WIDTH": "width",
    "HEIGHT": "height",
    **{key.upper(): key for key in settings.DEFAULTS},
}
MAX_RECORD_RATE = 30  # pictures a second: a webcam gives about that many


def _number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _rule_broken(name, value):
    """What a good value of the app's own knob `name` is, when `value` is not one; else None."""
    if name == "DATASET" and not (isinstance(value, str) and value.strip()):
        return 'a dataset\'s name or a folder, like "builtin" or "miniFRUIT"'
    if name == "FEATURES" and value is not None and value not in EXTRACTORS:
        return "None or one of " + ", ".join(f'"{extractor}"' for extractor in EXTRACTORS)
    if name == "CAMERA" and not (
        (isinstance(value, int) and not isinstance(value, bool) and value >= 0)
        or (isinstance(value, str) and value.strip())
    ):
        return 'a webcam\'s number (0: the first), or a video file or a folder of images, like "clips/fruit.mp4"'
    if name == "RECORD_RATE" and not (_number(value) and 0 < value <= MAX_RECORD_RATE):
        return f"a number above 0, up to {MAX_RECORD_RATE} pictures a second"
    if name == "TEST_FRACTION" and not (_number(value) and 0 < value < 1):
        return "a number between 0 and 1, like 0.2"
    return None


def problem(name, value):
    """None when `value` is a good value for the knob `name`; else one sentence that names it."""
    if name.lower() in settings.DEFAULTS:
        return settings.problem(name, name.lower(), value)
    if name in ("WIDTH", "HEIGHT"):  # the runtime's rule: it says so itself, the app only keeps its default
        return next(iter(canvas_size({name: value}, DEFAULT_SIZE)[1]), None)
    rule = _rule_broken(name, value)
    return f"{name} must be {rule} (it is {settings.shown(value)})" if rule else None


def problems(values):
    """A sentence for each bad knob among `values` ({NAME: value}: the sketch's CAPITALS); [] when all are good."""
    found = settings.knob_problems(values)  # the training knobs, by the Training page's rules
    return found + [
        sentence
        for name, value in values.items()
        if name.lower() not in settings.DEFAULTS and name not in ("WIDTH", "HEIGHT")
        for sentence in [problem(name, value)]
        if sentence
    ]


def keywords(values):
    """The app's keyword arguments from the sketch's knobs ({NAME: value}): the good ones (a bad one keeps its
    default), and the window's size as the runtime opens it."""
    good = {KNOBS[name]: value for name, value in values.items() if name in KNOBS and problem(name, value) is None}
    return {**good, **window_size(values)}


def window_size(values):
    """{"width": …, "height": …} as the runtime opens the window: WIDTH and HEIGHT, or its default size where either
    breaks its rule (an app laid out for another size would be cut); {} when the sketch sets neither."""
    if "WIDTH" not in values and "HEIGHT" not in values:
        return {}
    (width, height), problems = canvas_size(values, DEFAULT_SIZE)
    return {} if not problems else {"width": width, "height": height}


def changed(old, new):
    """The names of the knobs whose values differ between two {NAME: value} readings of the sketch, in `new`'s
    order."""
    return [name for name, value in new.items() if name not in old or old[name] != value]


def training(values):
    """The good training knobs among `values` ({NAME: value}), as a session keeps them."""
    return {
        name: value
        for name, value in values.items()
        if name.lower() in settings.DEFAULTS and problem(name, value) is None
    }


def edited_since(then, now):
    """The good training knobs of `now` ({NAME: value}) that differ from `then` (the knobs a session was kept
    with; a knob it lacks had its default): those the file changed since, {setting: value}."""
    return {
        name.lower(): value
        for name, value in training(now).items()
        if then.get(name, settings.DEFAULTS[name.lower()]) != value
    }


def listed(values):
    """Knobs as the file writes them: 'EPOCHS = 30, HIDDEN_LAYERS = [16]'."""
    return ", ".join(f"{name} = {settings.shown(value)}" for name, value in values.items())


def start_training(pipeline, problems):
    """The step queue's "train" step: `pipeline`'s training, or while a knob is bad (`problems`, its sentences), a
    job that fails at once with the first one, as T refuses."""
    if not problems:
        return pipeline.train()
    sentence = problems[0]

    def refuse(job):
        raise PipelineError(sentence)

    return pipeline.start_job("train", refuse)
