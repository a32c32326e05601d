"""Notes classifier: teach a small neural network which musical note belongs to each place on the canvas.

Step 1: hold a key A–G to choose a note (the last one stays chosen).
Step 2: click to place samples of that note; each click plays it.
Step 3: press T to train the network (a popup shows the loss and accuracy as it learns).
Step 4: click anywhere: the network predicts a note (blue circle, with its confidence) and plays it.

Keys: A–G choose a note · T train · P show/hide the training popup · V decision map · R reset the network
(the samples stay) · U or Backspace undo · S save the samples · Esc quit.
Run: python -m sketches.classification [--load FILE] [--seed N] [--fullscreen] [--scale 1.5]
"""

import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))  # so `python sketches/…py` finds mlcore

from mlcore.notes.canvas import NoteBoard
from mlcore.runtime import run

# The knobs: change them and run the sketch again.
EPOCHS = 200
HIDDEN_LAYERS = [16]          # one hidden layer of 16 units; try [8], [32, 16]…
LEARNING_RATE = 0.05
BATCH_SIZE = 16
VALIDATION_SPLIT = 0.2        # the share of samples kept aside to check the network on data it never trained on
OCTAVE = 4                    # C4 = 261.63 Hz … B4 = 493.88 Hz
COLOURS = {                   # one colour per note (red, green, blue); these stay apart for colour-blind eyes
    "C": (213, 94, 0), "D": (230, 159, 0), "E": (240, 228, 66), "F": (0, 158, 115),
    "G": (86, 180, 233), "A": (204, 121, 167), "B": (90, 90, 90),
}
WIDTH, HEIGHT = 960, 600
TITLE = "Notes classifier"

board = NoteBoard("classification", WIDTH, HEIGHT, epochs=EPOCHS, hidden_layers=HIDDEN_LAYERS,
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
        # Step 2: collect. One sample is a place (x, y) and the note held down; hear it.
        board.add_sample(x, y, board.note)
        board.play(board.note)
    else:
        # Step 4: predict. The network answers with every note's confidence; the first is its best guess.
        label, confidence = board.network.classify([x, y])[0]
        board.show_prediction(x, y, label=label, confidence=round(confidence, 4))
        board.play(label)


def state():
    return board.state()


def quitting():
    board.autosave()


if __name__ == "__main__":
    run()
