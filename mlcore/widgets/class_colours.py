"""The colour of each class of a dataset: the colour it names when its name is a colour ("red", "feu rouge",
"vert"…, in English or French), otherwise the next colour of a palette that stays apart for colour-blind viewers.

So miniROAD's "red" class is drawn red wherever it sits in the sorted class list, and a class named "green" never
gets the palette's blue while another gets green.
"""

import re

# Okabe–Ito colours, which stay apart for colour-blind viewers, then a few more for datasets with many classes;
# each with the colour word it would be taken for, so that a class named that colour keeps it for itself.
PALETTE = [
    ((0, 114, 178), "blue"),
    ((230, 159, 0), "orange"),
    ((0, 158, 115), "green"),
    ((204, 121, 167), "pink"),
    ((213, 94, 0), "red"),
    ((86, 180, 233), "cyan"),
    ((240, 228, 66), "yellow"),
    ((90, 90, 90), "grey"),
    ((150, 90, 40), "brown"),
    ((120, 60, 160), "purple"),
]

NAMED = {
    "red": (213, 30, 30),
    "orange": (240, 140, 0),
    "yellow": (240, 215, 40),
    "green": (0, 150, 60),
    "blue": (0, 90, 200),
    "cyan": (40, 190, 220),
    "purple": (120, 60, 160),
    "pink": (235, 120, 180),
    "brown": (140, 85, 40),
    "black": (25, 25, 25),
    "white": (232, 232, 232),
    "grey": (128, 128, 128),
}

# The words for each colour, in English and in French (masculine, feminine, plural).
WORDS = {
    "red": ["red", "rouge", "rouges"],
    "orange": ["orange", "oranges"],
    "yellow": ["yellow", "jaune", "jaunes"],
    "green": ["green", "vert", "verte", "verts", "vertes"],
    "blue": ["blue", "bleu", "bleue", "bleus", "bleues"],
    "cyan": ["cyan"],
    "purple": ["purple", "violet", "violette", "violets", "violettes", "pourpre", "mauve"],
    "pink": ["pink", "rose", "roses"],
    "brown": ["brown", "brun", "brune", "marron", "marrons"],
    "black": ["black", "noir", "noire", "noirs", "noires"],
    "white": ["white", "blanc", "blanche", "blancs", "blanches"],
    "grey": ["grey", "gray", "gris", "grise", "grises"],
}
_COLOUR_OF_WORD = {word: colour for colour, words in WORDS.items() for word in words}


def colour_word(name):
    """The colour a class name names ("Red light" → "red", "feu_vert" → "green"), or None."""
    for word in re.split(r"[^a-zà-ÿ]+", str(name).lower()):
        if word in _COLOUR_OF_WORD:
            return _COLOUR_OF_WORD[word]
    return None


def class_colours(classes):
    """{class name: RGB colour} for a dataset's classes (in their order): named colours first, then the palette's
    colours by position among the other classes, skipping those a named class already took."""
    named = {name: colour_word(name) for name in classes}
    taken = {word for word in named.values() if word}
    free = [colour for colour, word in PALETTE if word not in taken] or [colour for colour, _ in PALETTE]
    colours, position = {}, 0
    for name in classes:
        if named[name]:
            colours[name] = NAMED[named[name]]
        else:
            colours[name] = free[position % len(free)]
            position += 1
    return colours


def colour_at(index):
    """The palette's colour at `index` (for a class list that is not known)."""
    return PALETTE[index % len(PALETTE)][0]
