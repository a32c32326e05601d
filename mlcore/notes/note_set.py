"""The notes a note sketch plays, from its NOTES and COLOURS knobs: each note's name, the key that chooses it, its
frequency and its colour.

A note is chosen by the key of its name's first character: "C" on C, "Eb" on E, "J" on J. A key that is already a
command (T trains, R resets, …) cannot hold a note. Bad entries are left out here, never raised: the sketch starts
all the same, and its knob check (`mlcore.notes.knobs`) names them.
"""

import math

from mlcore.notes import pitches

# The keys the note sketches and their canvas answer, with what each does: a note is never put on one of them.
COMMANDS = {
    "t": "trains the network",
    "r": "makes a new network",
    "p": "shows or hides the training popup",
    "v": "shows the map",
    "h": "shows the runs table",
    "u": "undoes the last sample",
    "s": "saves the samples",
    "m": "saves the network",
    "k": "writes the report",
    "w": "lists the recent errors",
}
# Colours for notes that COLOURS does not name: apart from the seven notes' own and from the predictions' blue.
EXTRA_COLOURS = [
    (120, 60, 30),
    (0, 110, 90),
    (150, 150, 40),
    (170, 60, 110),
    (60, 60, 160),
    (200, 120, 90),
    (110, 170, 110),
    (40, 40, 40),
]
LOWEST_HZ, HIGHEST_HZ = 20, 20000
LONGEST_NAME = 3  # characters: a name is drawn inside a sample's circle


def key_of(name):
    """The key that chooses the note `name`: its first character, as pygame names keys ("c", "k", "1")."""
    return str(name)[:1].lower()


def is_frequency(hz):
    return (
        isinstance(hz, (int, float))
        and not isinstance(hz, bool)
        and math.isfinite(hz)
        and LOWEST_HZ <= hz <= HIGHEST_HZ
    )


def name_problem(name):
    """Why `name` cannot name a note, or None."""
    if not (isinstance(name, str) and 1 <= len(name) <= LONGEST_NAME and name[0].isalnum() and name.isprintable()):
        return "a note's name is one to three characters, the first a letter or a digit: its key"
    if key_of(name) in COMMANDS:
        return f"is on key {name[0].upper()}, which {COMMANDS[key_of(name)]}: choose another key"
    return None


def usable_notes(notes, octave=4):
    """{name: Hz} of the good entries of NOTES, in order, one note per key; the seven notes C to B in `octave`
    (or in octave 4) when none is good."""
    good, keys = {}, set()
    for name, hz in notes.items() if isinstance(notes, dict) else []:
        if name_problem(name) is None and is_frequency(hz) and key_of(name) not in keys:
            good[name] = float(hz)
            keys.add(key_of(name))
    return good or pitches.scale(octave=octave)


def usable_colour(value):
    """(red, green, blue) from three whole numbers from 0 to 255, or from a colour's name ("tomato"); else None."""
    if isinstance(value, str):
        import pygame

        try:
            return tuple(pygame.Color(value))[:3]
        except ValueError:
            return None
    if (
        isinstance(value, (list, tuple))
        and len(value) == 3
        and all(isinstance(part, int) and not isinstance(part, bool) and 0 <= part <= 255 for part in value)
    ):
        return tuple(value)
    return None


class NoteSet:
    """The notes of a sketch: `frequencies` {name: Hz} in order, `keys` {key: name}, `colours` {name: (r, g, b)}
    (the seven notes A–G always have one, so the maps can blend between them)."""

    def __init__(self, notes, colours=None, octave=4):
        self.frequencies = usable_notes(notes, octave)
        self.keys = {key_of(name): name for name in self.frequencies}
        self.colours = dict(pitches.COLOURS)
        for name, value in colours.items() if isinstance(colours, dict) else []:
            if usable_colour(value) is not None:
                self.colours[name] = usable_colour(value)
        self.give_colours(self.frequencies)

    def give_colours(self, names):
        """A colour of its own for each of `names` that has none yet."""
        spare = [colour for colour in EXTRA_COLOURS if colour not in self.colours.values()] or EXTRA_COLOURS
        for index, name in enumerate(name for name in dict.fromkeys(names) if name not in self.colours):
            self.colours[name] = spare[index % len(spare)]

    @property
    def names(self):
        return list(self.frequencies)

    def first(self):
        """The note chosen when the sketch starts: C, if it is one of them."""
        return "C" if "C" in self.frequencies else self.names[0]

    def described(self):
        """The notes as a sentence names them: "C, D, E, F, G, A or B"."""
        names = [f'"{name}"' for name in self.names]
        return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"

    def check(self, note, what):
        """`note` if the sketch plays it; else a ValueError that names the notes it has (for `what`'s caller)."""
        if note not in self.frequencies:
            raise ValueError(f"{what}: the note must be one of this sketch's NOTES, {self.described()} (not {note!r})")
        return note

    def frequency(self, note, samples=(), octave=4, what="frequency(note)"):
        """The frequency of `note`: its NOTES entry; for a note no longer in NOTES (the file was edited while the
        sketch ran), its samples' frequency, or its equal-temperament pitch; else a ValueError naming the notes."""
        if note in self.frequencies:
            return self.frequencies[note]
        kept = next((sample.frequency for sample in samples if sample.note == note), None)
        if kept is not None:
            return kept
        try:
            return pitches.frequency(note, octave)
        except (ValueError, TypeError):
            return self.check(note, what)  # raises: the note is none of the sketch's

    def carried(self, note, samples):
        """After a reload changed NOTES: the chosen `note` if it is still one of them, else the first; and a colour
        for the notes of the samples kept that NOTES no longer has."""
        self.give_colours(sample.note for sample in samples)
        return note if note in self.frequencies else self.first()
