"""Notes regression: the same canvas, but the network predicts a frequency, not one of seven notes.

Step 1: hold a key A–G to choose a note (the last one stays chosen).
Step 2: click to place samples of that note; each click plays it. The network learns (x, y) → frequency in Hz.
Step 3: press T to train (a popup shows the loss and the mean error in Hz as it learns).
Step 4: click anywhere: the network predicts a frequency and plays exactly that pitch. Between two trained regions
it glides through pitches that are on no keyboard: what do you hear?

Keys: A–G choose a note · T train · P show/hide the training popup · V pitch map · R reset the network
(the samples stay) · U or Backspace undo · S save the samples · Esc quit.
Run: python -m sketches.regression [--load FILE] [--seed N] [--fullscreen] [--scale 1.5]
"""

import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))  # so `python sketches/…py` finds mlcore

from mlcore.notes.canvas import NoteBoard
from mlcore.notes.pitches import nearest_note
from mlcore.runtime import run

# The knobs: change them and run the sketch again.
EPOCHS = 200
HIDDEN_LAYERS = [16]          # one hidden layer of 16 units; try [8], [32, 16]…
LEARNING_RATE = 0.05
BATCH_SIZE = 16
VALIDATION_SPLIT = 0.2        # the share of samples kept aside to check the network on data it never trained on
OCTAVE = 4                    # the targets: C4 = 261.63 Hz … B4 = 493.88 Hz
COLOURS = {                   # one colour per note (red, green, blue); these stay apart for colour-blind eyes
    "C": (213, 94, 0), "D": (230, 159, 0), "E": (240, 228, 66), "F": (0, 158, 115),
    "G": (86, 180, 233), "A": (204, 121, 167), "B": (90, 90, 90),
}
WIDTH, HEIGHT = 960, 600
TITLE = "Notes regression"

board = NoteBoard("regression", WIDTH, HEIGHT, epochs=EPOCHS, hidden_layers=HIDDEN_LAYERS,
                  learning_rate=LEARNING_RATE, batch_size=BATCH_SIZE, validation_split=VALIDATION_SPLIT,
                  octave=OCTAVE, colours=COLOURS)


def setup(args):
    board.start(args)


def update():
    board.update()


def draw(screen):
    board.draw(screen)


def key_pressed(key):
    # A–G: Step 1, choose a note. T: Step 3, train (in the background: the canvas stays alive).
    # P popup, V map, R reset, U or Backspace undo, S save.
    board.key_pressed(key)


def mouse_pressed(x, y, button):
    if button != 1 or not board.inside(x, y):
        return
    if board.mode in ("collecting", "training"):
        # Step 2: collect. The target is the note's frequency in Hz; hear it.
        board.add_sample(x, y, board.note)
        board.play(board.note)
    else:
        # Step 4: predict a frequency, name the nearest note and how far off it is (in cents), play it exactly.
        hz = board.network.predict([x, y])
        name, octave, cents = nearest_note(hz)
        board.show_prediction(x, y, frequency=round(hz, 2), nearest_note=f"{name}{octave}", cents=round(cents, 1))
        board.play_frequency(hz)


def state():
    return board.state()


def quitting():
    board.autosave()


if __name__ == "__main__":
    run()
