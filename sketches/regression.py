"""Notes regression: the same canvas, but the network predicts a frequency, not one of seven notes.

Step 1: hold a key A–G to choose a note (the last one stays chosen).
Step 2: click to place samples of that note; each click plays it. The network learns (x, y) → frequency in Hz.
Step 3: press T to train (a popup draws the loss and the mean error in Hz in; it stays until P).
Step 4: click anywhere: the network predicts a frequency and plays exactly that pitch. Between two trained regions
it glides through pitches that are on no keyboard: what do you hear? Hold a note key while you click to add one more
sample instead (T trains again with it).
Step 5: hold the button and drag from one trained region to another: one tone glides with the network's answer, and
a trail in the pitch scale's colours shows where. Does it step from note to note, or slide between them?

Keys: A–G choose a note · T train · P show/hide the training popup · V pitch map · R a new network
(the samples stay) · H the runs table · U or Backspace undo (the last sample gone: a new network) · S save the
samples · M save the trained network · K write a report (for your reflection log) · F12 screenshot · F2 projector
theme · W your code's recent errors · Esc quit.
Run: python -m sketches.regression [--load FILE|last] [--load-model FILE] [--seed N] [--fullscreen]
     [--scale 1.5] [--projector]
Save this file while it runs: the window takes your new code and keeps your samples (--no-reload: not).
"""

import pathlib
import sys

sys.path.append(str(pathlib.Path(__file__).resolve().parents[1]))  # the project's mlcore, without pip install -e .

from mlcore.ml.neural_network import NeuralNetwork
from mlcore.notes.canvas import NoteCanvas
from mlcore.notes.pitches import nearest_note, scale
from mlcore.runtime import run

# The knobs: change them and run the sketch again.
EPOCHS = 200
HIDDEN_LAYERS = [16]          # one hidden layer of 16 units; try [8] or [32, 16]
ACTIVATION = "relu"           # or "tanh", "sigmoid"
LEARNING_RATE = 0.05
BATCH_SIZE = 32                # samples per training step, as ml5
VALIDATION_SPLIT = 0.2        # the share of samples kept aside to check the network on data it never trained on
OCTAVE = 4                    # the targets: C4 = 261.63 Hz … B4 = 493.88 Hz
NOTES = scale("C D E F G A B", OCTAVE)  # each on the key of its letter; try scale("C D Eb F G Ab Bb", OCTAVE)
# Another note, on a free key, at any pitch in Hz: NOTES["J"] = 523.25 (a key that is a command is refused).
COLOURS = {                   # (red, green, blue) per note, apart for colour-blind eyes; other notes get their own
    "C": (213, 94, 0), "D": (230, 159, 0), "E": (240, 228, 66), "F": (0, 158, 115),
    "G": (86, 180, 233), "A": (204, 121, 167), "B": (90, 90, 90),
}
CURVE_SECONDS = 2.0           # the popup draws the training's curves in over this long, however fast it trained
WIDTH, HEIGHT = 960, 600
TITLE = "Notes regression"

# The canvas draws each frame, shows the popup and the maps, and saves on quit (write a draw(screen) here to add to it).
canvas = NoteCanvas("regression", WIDTH, HEIGHT, octave=OCTAVE, colours=COLOURS, notes=NOTES,
                    curve_seconds=CURVE_SECONDS)
network = None


def new_network():
    """The network: inputs (x, y), hidden layers, one output: a frequency."""
    return NeuralNetwork(task="regression", hidden_layers=HIDDEN_LAYERS, activation=ACTIVATION,
                         learning_rate=LEARNING_RATE, batch_size=BATCH_SIZE, validation_split=VALIDATION_SPLIT,
                         input_bounds=canvas.bounds, seed=canvas.seed)


def epoch_done(epoch, logs):
    """Runs after every epoch; logs holds "loss" and "mean_error" in Hz (and "val_…" of both)."""
    pass  # try: if epoch % 20 == 0: print(epoch, logs["loss"])


def setup(args):
    global network
    canvas.start(args)  # sound, --load, --seed, and the process the networks train in (torch loads there)
    network = new_network()
    canvas.use(network)


def key_pressed(key):
    global network
    if key == "t" and canvas.ready_to_train():
        # Step 3: a fresh network learns every sample, in the background (the canvas stays alive).
        network = new_network()
        canvas.use(network)  # shown from now on; it trains in the canvas's process, so the window never waits
        for sample in canvas.samples:
            network.add_data([sample.x, sample.y], sample.frequency)
        network.train(EPOCHS, epoch_done)
    elif key == "r":
        # A new, untrained network: back to collecting. The samples stay.
        network = new_network()
        canvas.use(network)
        canvas.say("network reset: collecting (your samples are kept)")
    elif key in ("u", "backspace") and len(canvas.samples) == 1 and network.trained:
        # The last sample goes: nothing is left to learn from, so a new, untrained network. Back to collecting.
        canvas.undo()
        network = new_network()
        canvas.use(network)
        canvas.say("no samples left: a new network, collecting")
    else:
        canvas.key_pressed(key)  # A–G: Step 1, choose a note. P popup, V map, U undo, S save, K report.


def mouse_pressed(x, y, button):
    if button != 1 or not canvas.inside(x, y):  # a left click on the canvas, not on the bars
        return
    held = canvas.held_note()  # the note key (A–G) held down now, or None
    if held or not network.trained:
        # Step 2: collect. The target is the note's frequency in Hz: the key held down, else the last one chosen.
        note = held or canvas.note
        canvas.add_sample(x, y, note)
        canvas.play(note)
    else:
        # Step 4: predict a frequency, name the nearest note and how far off it is (in cents), play it exactly.
        hz = network.predict([x, y])
        name, octave, cents = nearest_note(hz)
        canvas.show_prediction(x, y, frequency=hz, nearest_note=f"{name}{octave}", cents=cents)
        canvas.play_frequency(hz)


def mouse_dragged(x, y):
    if network.trained and canvas.inside(x, y):
        # Step 5: listen. The network predicts on every move and one tone glides with it; letting go fades it out.
        canvas.listen(x, y, frequency=network.predict([x, y]))


if __name__ == "__main__":
    run()
