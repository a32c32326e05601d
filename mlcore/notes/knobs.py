"""The note sketches' knobs checked, each bad one in one sentence that names it:

    EPOCHS must be a whole number from 1 to 10000 (it is 0)
    ACTIVATION must be "relu", "tanh" or "sigmoid" (it is "softmax")
    NOTES["T"] is on key T, which trains the network: choose another key

The training knobs follow the image classifier's rules (`mlcore.ml.settings`); the canvas's size is the runtime's.
"""

from mlcore.knob_rules import DEFAULT_SIZE, canvas_size
from mlcore.ml import settings
from mlcore.notes import note_set

TRAINING = ["EPOCHS", "HIDDEN_LAYERS", "ACTIVATION", "LEARNING_RATE", "BATCH_SIZE", "VALIDATION_SPLIT"]
OCTAVES = (0, 8)


class CanvasKnobs:
    """What a note canvas answers the runtime's check of the sketch's knobs with; `knob_problems` holds what it
    found, for T to answer with until the file is fixed."""

    knob_problems = ()
    knob_values = {}  # the knobs as last checked, for the report (K)

    def knobs(self, values):
        """The runtime's check of the sketch's knobs (at the start, at each reload): a sentence per bad one."""
        self.knob_values = dict(values)
        self.knob_problems = problems(values)
        return self.knob_problems


def usable_size(width, height):
    """(width, height) of the canvas: the runtime's WIDTH and HEIGHT rule, its default size where they break it."""
    return canvas_size({"WIDTH": width, "HEIGHT": height}, DEFAULT_SIZE)[0]


def resized(old, new):
    """What a reload that changed WIDTH or HEIGHT says, or None: the samples left beyond the new canvas are kept."""
    if (old.width, old.height) == (new.width, new.height):
        return None
    beyond = sum(1 for s in new.samples if not (0 <= s.x < new.width and new.top <= s.y < new.bottom))
    kept = f": {beyond} sample{'s lie' if beyond != 1 else ' lies'} beyond it, kept (and trained on)" if beyond else ""
    return f"the canvas is {new.width}×{new.height} now{kept}"


def good_octave(value):
    return isinstance(value, int) and not isinstance(value, bool) and OCTAVES[0] <= value <= OCTAVES[1]


def problems(values):
    """A sentence for each bad knob among `values` ({NAME: value}: the sketch's CAPITALS); [] when all are good."""
    found = settings.knob_problems({knob: values[knob] for knob in TRAINING if knob in values})
    if "OCTAVE" in values and not good_octave(values["OCTAVE"]):
        found.append(
            "OCTAVE must be a whole number from {} to {} (it is {})".format(*OCTAVES, settings.shown(values["OCTAVE"]))
        )
    if "NOTES" in values:
        found += notes_problems(values["NOTES"])
    if "COLOURS" in values:
        found += colours_problems(values["COLOURS"])
    return [sentence for sentence in found if sentence]


def notes_problems(notes):
    """What is wrong with the NOTES knob: {name: frequency in Hz}, one note per key, no key that is a command."""
    if not isinstance(notes, dict) or not notes:
        return [
            'NOTES must be a dictionary of note names and frequencies in Hz, like {"C": 261.63, "J": 523.25} '
            f"(it is {settings.shown(notes)})"
        ]
    found, keys = [], {}
    for name, hz in notes.items():
        entry = f"NOTES[{settings.shown(name)}]"
        why = note_set.name_problem(name)
        if why:
            found.append(f"{entry} {why}" if why.startswith("is on key") else f"{entry}: {why}")
        elif hz is None and isinstance(name, str):
            found.append(
                f"{entry} has no pitch: {name} is no note name (A to G, then # or b, then an octave: "
                f'"C#", "Eb", "C5"); give its frequency instead: NOTES["{name}"] = 500'
            )
        elif not note_set.is_frequency(hz):
            found.append(
                f"{entry} must be a frequency from {note_set.LOWEST_HZ} to {note_set.HIGHEST_HZ} Hz "
                f"(it is {settings.shown(hz)})"
            )
        elif note_set.key_of(name) in keys:
            found.append(
                f"{entry} is on key {name[0].upper()}, as NOTES[{settings.shown(keys[note_set.key_of(name)])}]"
                " is: one note per key"
            )
        else:
            keys[note_set.key_of(name)] = name
    return found


def colours_problems(colours):
    """What is wrong with the COLOURS knob: {note name: (red, green, blue)}."""
    if not isinstance(colours, dict):
        return [
            'COLOURS must be a dictionary of note names and colours, like {"C": (213, 94, 0)} '
            f"(it is {settings.shown(colours)})"
        ]
    return [
        f"COLOURS[{settings.shown(name)}] must be three whole numbers from 0 to 255, like (213, 94, 0), or a "
        f'colour\'s name, like "tomato" (it is {settings.shown(value)})'
        for name, value in colours.items()
        if note_set.usable_colour(value) is None
    ]
