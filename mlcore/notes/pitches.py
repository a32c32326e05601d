"""Musical notes: names, equal-temperament frequencies, cents, and colours that stay apart on a projector."""

import math

NAMES = ["C", "D", "E", "F", "G", "A", "B"]
_SEMITONES = {"C": -9, "D": -7, "E": -5, "F": -4, "G": -2, "A": 0, "B": 2}  # from A in the same octave
_CHROMATIC = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"]

# Okabe–Ito colours, chosen to stay distinct for colour-blind viewers; the blue is kept for predictions.
COLOURS = {
    "C": (213, 94, 0),  # vermilion
    "D": (230, 159, 0),  # orange
    "E": (240, 228, 66),  # yellow
    "F": (0, 158, 115),  # bluish green
    "G": (86, 180, 233),  # sky blue
    "A": (204, 121, 167),  # reddish purple
    "B": (90, 90, 90),  # dark grey
}


def frequency(note, octave=4, a4=440.0):
    """Equal temperament: A4 = 440 Hz, each semitone a factor of 2^(1/12). frequency('C') is 261.63 Hz.

    A sharp or a flat after the letter moves it a semitone ('C#' 277.18 Hz, 'Eb' 311.13 Hz), and a digit after it is
    the note's own octave ('C5' 523.25 Hz, whatever `octave` says). Anything else raises ValueError."""
    text = str(note)
    letter, rest = text[:1].upper(), text[1:]
    shift = 0
    while rest[:1] in ("#", "b"):
        shift, rest = shift + (1 if rest[0] == "#" else -1), rest[1:]
    if letter not in _SEMITONES or not (rest == "" or (rest.isdigit() and len(rest) == 1)):
        raise ValueError(f"{text!r} is no note name (a letter A to G, then # or b, then an octave: 'C#', 'Eb', 'C5')")
    semitones = _SEMITONES[letter] + shift + 12 * ((int(rest) if rest else octave) - 4)
    return a4 * 2 ** (semitones / 12)


def scale(names="C D E F G A B", octave=4):
    """{name: frequency in Hz} of the notes `names` in equal temperament, in `octave`: the note sketches' NOTES.

        scale("C D E F G A B", 4)      # C4 = 261.63 Hz … B4 = 493.88 Hz, each on the key of its letter
        scale("C D Eb F G Ab Bb", 4)   # C minor: Eb on key E, Ab on key A, Bb on key B

    Never raises, so that a sketch always starts: a name that is no note gets None (the sketch's knob check names
    it), and an octave that is no whole number from 0 to 8 counts as 4 (the check names OCTAVE)."""
    if not (isinstance(octave, int) and not isinstance(octave, bool) and 0 <= octave <= 8):
        octave = 4
    notes = {}
    for name in str(names).split():
        try:
            notes[name] = frequency(name, octave)
        except ValueError:
            notes[name] = None
    return notes


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


def nearest_natural(hz, octave=4, notes=None):
    """The note A–G whose pitch class is nearest to `hz` (the colour a frequency gets on the canvas); among `notes`
    ({name: Hz}, a sketch's NOTES) when given."""
    notes = notes or {name: frequency(name, octave) for name in NAMES}

    def distance(name):
        semitones = (12 * math.log2(hz / notes[name])) % 12
        return min(semitones, 12 - semitones)

    return min(notes, key=distance)
