"""The note sketches' text sizes in each theme: the lesson's key readouts large enough for the back row.

Sizes are font sizes on the canvas. At 1280×720 (and 1024×768) the sketches' 960×600 window is drawn at its own size,
so in the projector theme a readout's capital letters are 22 pixels tall and no text's are under 14 (default
theme: 17 and 11).
"""

from dataclasses import dataclass

from mlcore.widgets import theme


@dataclass(frozen=True)
class NoteSizes:
    """Font sizes of the note canvas's texts, and the prediction circle that holds a readout letter."""

    readout: int  # the mode, the chosen note, a prediction, the popup's epoch, loss and accuracy
    text: int  # ordinary text: the click hint, the popup's "press T"
    small: int  # secondary lines: keys, messages, summaries, ticks, table cells, counts
    letter: int  # a sample's letter inside its circle
    prediction_radius: int  # a predicted note's circle, its letter a readout


SIZES = {
    "default": NoteSizes(readout=36, text=26, small=22, letter=24, prediction_radius=22),
    "projector": NoteSizes(readout=44, text=30, small=28, letter=28, prediction_radius=28),
}


def sizes():
    """The sizes of the theme in use."""
    return SIZES.get(theme.current().name, SIZES["default"])
