"""Musical notes: names, equal-temperament frequencies, cents, and colours that stay apart on a projector."""

import math

NAMES = ["C", "D", "E", "F", "G", "A", "B"]
_SEMITONES = {"C": -9, "D": -7, "E": -5, "F": -4, "G": -2, "A": 0, "B": 2}  # from A in the same octave
_CHROMATIC = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"]

# Okabe–Ito colours, chosen to stay distinct for colour-blind viewers; the blue is kept for predictions.
COLOURS = {
    "C": (213, 94, 0),     # vermilion
    "D": (230, 159, 0),    # orange
    "E": (240, 228, 66),   # yellow
    "F": (0, 158, 115),    # bluish green
    "G": (86, 180, 233),   # sky blue
    "A": (204, 121, 167),  # reddish purple
    "B": (90, 90, 90),     # dark grey
}


def frequency(note, octave=4, a4=440.0):
    """Equal temperament: A4 = 440 Hz, each semitone a factor of 2^(1/12). frequency('C') is 261.63 Hz."""
    semitones = _SEMITONES[note.upper()] + 12 * (octave - 4)
    return a4 * 2 ** (semitones / 12)


def nearest_note(hz, a4=440.0):
    """The nearest note of the chromatic scale and how far `hz` is from it in cents: (name, octave, cents).

    A number that is no frequency (zero, negative, infinite, NaN) has no note: ("–", 0, 0.0), never an error.
    """
    if not (isinstance(hz, (int, float)) and math.isfinite(hz) and hz > 0):
        return "–", 0, 0.0
    semitones = 12 * math.log2(hz / a4)
    nearest = round(semitones)
    cents = 100 * (semitones - nearest)
    index = (nearest + 9) % 12  # 9 semitones from C up to A
    octave = 4 + (nearest + 9) // 12
    return _CHROMATIC[index], octave, cents


def nearest_natural(hz, octave=4):
    """The note A–G whose pitch class is nearest to `hz` (the colour a frequency gets on the canvas)."""
    def distance(name):
        semitones = (12 * math.log2(hz / frequency(name, octave))) % 12
        return min(semitones, 12 - semitones)

    return min(NAMES, key=distance)
