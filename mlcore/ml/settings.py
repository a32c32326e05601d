"""The image classifier's training settings, checked by one set of rules wherever they come from.

    >>> parse("hidden_layers", "64, 32")             # typed in a box or on the command line
    [64, 32]
    >>> checked({"epochs": 20})                      # given in code (a notebook, the pipeline): a full, checked copy
    {'hidden_layers': [64, 32], 'epochs': 20, ...}
    >>> show("learning_rate", 0.001), step("batch_size", 8, up=True)
    ('0.001', 16)

A bad value raises `SettingError` (a ValueError) whose message says, in a few words, what a good value is. No
pygame here: the Training page, the command line, `ImagePipeline` and the note sketches' knobs all use these rules;
`problem` says what is wrong with a value in one sentence that names it, as a sketch's knob or an argument:

    >>> problem("EPOCHS", "epochs", 0)
    'EPOCHS must be a whole number from 1 to 10000 (it is 0)'
"""

from __future__ import annotations

import copy
import math

import numpy as np

from mlcore.knob_rules import shown

# The course's settings for the Marcelle MLP: Adam at 0.001, 15 epochs, batches of 8, a fifth held out to watch.
# `activation` is what each hidden layer applies; `dropout` the share of hidden outputs switched off in training;
# `augmentation` the changed copies of each training image added to the training (see mlcore.ml.augmentation).
DEFAULTS = dict(
    hidden_layers=[64, 32],
    epochs=15,
    batch_size=8,
    learning_rate=0.001,
    validation_split=0.2,
    seed=0,
    activation="relu",
    dropout=0.0,
    augmentation=0,
)

MAX_LAYERS = 8
MAX_UNITS = 4096
WHOLE = {"epochs": (1, 10000), "batch_size": (1, 100000), "seed": (0, 2**31 - 1), "augmentation": (0, 10)}
# (lowest, highest, whether the lowest itself is allowed)
NUMBER = {"learning_rate": (0, 10, False), "validation_split": (0, 0.9, True), "dropout": (0, 0.9, True)}
ACTIVATIONS = ["relu", "tanh", "sigmoid"]  # the choices of mlcore.ml.models, in the order + steps through them
LEARNING_RATES = [0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0]


class SettingError(ValueError):
    """A setting that breaks its rule; the message says what a good value is."""


def _is_whole(value):
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _is_number(value):
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)


def check(key, value):
    """`value` if it is a good value for setting `key` (as a plain Python value), else SettingError."""
    if key == "hidden_layers":
        return _check_layers(value)
    if key == "activation":
        if value not in ACTIVATIONS:
            raise SettingError(f"one of {', '.join(ACTIVATIONS)} (not {value!r})")
        return value
    if key in WHOLE:
        low, high = WHOLE[key]
        if key == "seed" and value is None:
            return None  # a different random start every time
        if not _is_whole(value) or not low <= value <= high:
            raise SettingError(f"a whole number from {low} to {high} (not {value!r})")
        return int(value)
    if key in NUMBER:
        low, high, low_included = NUMBER[key]
        good = _is_number(value) and math.isfinite(value) and (value >= low if low_included else value > low)
        if not good or not value <= high:
            shown = f"{value:g}" if _is_number(value) else repr(value)
            raise SettingError(f"a number {'from' if low_included else 'above'} {low} to {high} (not {shown})")
        return float(value)
    raise SettingError(f"unknown setting {key!r}: the settings are {', '.join(DEFAULTS)}")


def rule(key):
    """What a good value of setting `key` is, in plain words: 'a whole number from 1 to 10000'."""
    if key == "hidden_layers":
        return f"a list of whole numbers from 1 to {MAX_UNITS}, at most {MAX_LAYERS} of them, like [16] or [32, 16]"
    if key == "activation":
        return ", ".join(f'"{name}"' for name in ACTIVATIONS[:-1]) + f' or "{ACTIVATIONS[-1]}"'
    if key in WHOLE:
        return "a whole number from {} to {}".format(*WHOLE[key])
    low, high, low_included = NUMBER[key]
    return f"a number from {low} to {high}" if low_included else f"a number above {low}, up to {high}"


def problem(name, key, value):
    """None when `value` is a good value for setting `key`; else one sentence that names it `name`:
    'ACTIVATION must be "relu", "tanh" or "sigmoid" (it is "softmax")'."""
    try:
        check(key, value)
    except SettingError:
        return f"{name} must be {rule(key)} (it is {shown(value)})"
    return None


def knob_problems(values):
    """A sentence for each bad training knob among a sketch's CAPITALS ({"EPOCHS": 0, …}): those named after a
    setting (EPOCHS is epochs, HIDDEN_LAYERS hidden_layers…), for the runtime's `knobs(values)` hook."""
    found = (problem(name, name.lower(), value) for name, value in values.items() if name.lower() in DEFAULTS)
    return [sentence for sentence in found if sentence]


def _check_layers(layers):
    layers = [layers] if _is_whole(layers) else layers
    if not isinstance(layers, (list, tuple)) or not all(_is_whole(units) for units in layers):
        raise SettingError(f"whole numbers separated by commas, like 64, 32 (not {layers!r})")
    if any(units < 1 or units > MAX_UNITS for units in layers):
        raise SettingError(f"each hidden layer has from 1 to {MAX_UNITS} units")
    if len(layers) > MAX_LAYERS:
        raise SettingError(f"at most {MAX_LAYERS} hidden layers")
    return [int(units) for units in layers]


def parse(key, text):
    """A setting typed as text ("64, 32", "0,01", "none"), read and checked."""
    text = str(text).strip()
    if key == "hidden_layers":
        text = text.strip("[]").strip()
        if text.lower() in ("", "none"):
            return []
        try:
            return check(key, [int(part) for part in text.replace(",", " ").split()])
        except ValueError as error:
            if isinstance(error, SettingError):
                raise
            raise SettingError(f"whole numbers separated by commas, like 64, 32 (not {text!r})") from None
    if key == "activation":
        return check(key, text.lower())
    if key in WHOLE:
        try:
            value = int(text)
        except ValueError:
            low, high = WHOLE[key]
            raise SettingError(f"a whole number from {low} to {high} (not {text!r})") from None
        return check(key, value)
    if key in NUMBER:
        try:
            value = float(text.replace(",", "."))
        except ValueError:
            low, high, _ = NUMBER[key]
            raise SettingError(f"a number from {low} to {high} (not {text!r})") from None
        return check(key, value)
    return check(key, text)  # an unknown key: its message


def checked(settings) -> dict:
    """A checked deep copy of `settings` over the defaults; SettingError names the setting that is wrong."""
    unknown = sorted(set(settings) - set(DEFAULTS))
    if unknown:
        raise SettingError(f"unknown training setting {unknown[0]!r}: the settings are {', '.join(DEFAULTS)}")
    result = copy.deepcopy(DEFAULTS)
    for key, value in settings.items():
        try:
            result[key] = check(key, copy.deepcopy(value))
        except SettingError as error:
            raise SettingError(f"{key}: {error}") from None
    return result


def show(key, value):
    """A setting as a person would type it."""
    if key == "hidden_layers":
        return ", ".join(str(units) for units in value) if value else "none"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def step(key, value, up):
    """The next value up or down, for the + and - buttons (always a good value)."""
    if key == "hidden_layers":
        if up:
            return (list(value) + [max(2, value[-1] // 2) if value else 32])[:MAX_LAYERS]
        return list(value)[:-1]
    if key == "epochs":
        change = 1 if value < 5 or (value == 5 and not up) else 5
        return min(WHOLE[key][1], max(1, value + change if up else value - change))
    if key == "batch_size":
        return min(WHOLE[key][1], value * 2) if up else max(1, value // 2)
    if key == "learning_rate":
        if up:
            return next((rate for rate in LEARNING_RATES if rate > value * 1.0001), value)
        return next((rate for rate in reversed(LEARNING_RATES) if rate < value * 0.9999), value)
    if key == "activation":
        return ACTIVATIONS[(ACTIVATIONS.index(value) + (1 if up else -1)) % len(ACTIVATIONS)]
    if key == "validation_split":
        return round(min(0.9, max(0.0, value + (0.05 if up else -0.05))), 2)
    if key == "dropout":
        return round(min(0.9, max(0.0, value + (0.1 if up else -0.1))), 1)
    if key == "augmentation":
        return min(WHOLE[key][1], max(0, value + (1 if up else -1)))
    return min(WHOLE["seed"][1], max(0, (value or 0) + (1 if up else -1)))
