"""Image classifier: teach a small neural network to tell pictures apart, as the course's Marcelle app does.

Step 1, Data: choose a dataset (builtin works offline) and browse its training and test images.
Step 2, Features: choose a feature extractor and press Extract: every image becomes a list of numbers.
Step 3, Training: set the network's knobs, press Train, and watch the loss and accuracy curves grow.
Step 4, Testing: read the two confusion matrices. Does the model beat guessing? Click a cell to see its images.
Step 5, Deployment: click any image, or drop an image file on the window: the network's confidence per class.

Keys: 1–5 pages · Tab next page · E extract · T train · S stop · Page Up / Page Down browse · Esc quit.
Clicks: the tabs and buttons; a picture (enlarge it; on page 5 classify it); a confusion cell (list its images);
a setting's box (type a value, then Enter) or its - / + buttons. The wheel scrolls the picture grids.
Run: python -m sketches.image_classifier [--dataset miniFRUIT] [--features color_histogram] [--train]
     [--epochs 15] [--layers 64,32] [--predict photo.jpg] [--quit-when-idle] [--page Testing] [--fullscreen]
"""

import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))  # so `python sketches/…py` finds mlcore

from mlcore.image_app import ImageApp, add_arguments
from mlcore.runtime import run

# The knobs: change them and run the sketch again (the command line and the Training page change them too).
DATASET = "builtin"            # or "miniFRUIT", "miniMASK", "miniROAD"… or a folder of your own images
FEATURES = None                # None: "stored" where the dataset has vectors, else "efficientnet_lite0"
HIDDEN_LAYERS = [64, 32]       # two hidden layers of 64 and 32 units; try [], [16], [128, 64, 32]…
EPOCHS = 15
BATCH_SIZE = 8
LEARNING_RATE = 0.001
VALIDATION_SPLIT = 0.2         # the share of training images held out to watch for overfitting
SEED = 0                       # the same seed gives the same network every time
WIDTH, HEIGHT = 1200, 660
TITLE = "Image classifier"

app = ImageApp(WIDTH, HEIGHT, dataset=DATASET, features=FEATURES, hidden_layers=HIDDEN_LAYERS, epochs=EPOCHS,
               batch_size=BATCH_SIZE, learning_rate=LEARNING_RATE, validation_split=VALIDATION_SPLIT, seed=SEED)


def arguments(parser):
    add_arguments(parser)      # --dataset, --features, --layers, --epochs, --train, --predict…


def setup(args):
    app.start(args)            # Step 1 starts at once: the dataset loads in the background


def update():
    app.update()


def draw(screen):
    app.draw(screen)


def key_pressed(key, unicode):
    if app.editing:                          # a setting's box has the keyboard: digits, Backspace, Enter
        app.type_key(key, unicode)
    elif key in ("1", "2", "3", "4", "5"):
        app.show_page(int(key) - 1)
    elif key == "tab":
        app.show_page(app.page + 1)
    elif key == "e":
        app.extract()                        # Step 2: features, computed in the background
    elif key == "t":
        app.train()                          # Step 3: train (the window stays alive: watch the curves)
    elif key == "s":
        app.stop()
    elif key in ("page up", "page down"):
        app.page_key(key)


def mouse_pressed(x, y, button):
    app.click(x, y, button)                  # tabs, buttons, pictures, confusion cells, setting boxes


def mouse_wheel(x, y, dy):
    app.wheel(x, y, dy)


def file_dropped(path):
    app.predict_file(path)                   # Step 5: a new image, never seen in training


def state():
    return app.state()


if __name__ == "__main__":
    run()
