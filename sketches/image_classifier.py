"""Image classifier: teach a small neural network to tell pictures apart, as the course's Marcelle app does.

Step 1, Data: choose a dataset (builtin works offline) and browse its training and test images. Or press
        New dataset: name your own classes, pick a camera (or a video, or a folder of images) under its picture,
        then hold R while it sees each one (Teachable Machine's way).
Step 2, Features: choose a feature extractor and press Extract: every image becomes a list of numbers.
Step 3, Training: set the network's knobs, press Train, and watch the loss and accuracy curves grow.
        The network is built by `build_model` below, and `training_done` runs when a training ends.
Step 4, Testing: read the two confusion matrices. Does the model beat guessing? Click a cell to see its images.
Step 5, Deployment: click any image, drop an image file on the window, or press Live to classify the camera.
        Then Noise or bias?: every run's answers on changed copies of that image, and the test errors grouped.

Keys: 1–5 pages · Tab next page · E extract · T train · S stop · Page Up / Page Down browse · Esc quit ·
      N new dataset · hold R or Space: record · D save dataset · X export · L live · M save model ·
      K report (for your reflection log; or Report on page 4) · F12 screenshot · F2 projector theme ·
      Enter: continue the last session (offered on a line at the start).
Clicks: the tabs and buttons; a picture (enlarge it; on page 1 delete it or move it to another class or set, U
undoes it; on page 5 classify it); a confusion cell (list its images);
a box (type a value or a class name, then Enter) or its - / + buttons. The wheel scrolls the picture grids.
Drop on the window: an image (classify it), a model file .pt (load it), a Marcelle .json file (the dataset), a
video or a folder (the new camera).
Run: python -m sketches.image_classifier [--dataset miniFRUIT] [--features color_histogram] [--train]
     [--epochs 15] [--layers 64,32] [--predict photo.jpg other.jpg] [--quit-when-idle] [--page Testing]
     [--fullscreen] [--camera 0|clip.mp4|folder] [--collection my_classes] [--save-dataset DIR]
     [--save-model fruit.pt] [--load-model fruit.pt] [--live] [--projector] [--augmentation 2] [--restore]
"""

import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))  # so `python sketches/…py` finds mlcore

from mlcore.image_app.app import ImageApp, toggle_theme
from mlcore.image_app.command_line import add_arguments
from mlcore.ml.models import MLPClassifier
from mlcore.runtime import mouse, run

# The knobs: change them and run the sketch again (the command line and the Training page change them too).
DATASET = "builtin"            # or "miniFRUIT", "miniMASK", "miniROAD"… or a folder of your own images
FEATURES = None                # None: "efficientnet_lite0"; "stored": a course file's own vectors (old images only)
HIDDEN_LAYERS = [64, 32]       # two hidden layers of 64 and 32 units; try [], [16], [128, 64, 32]…
ACTIVATION = "relu"            # what each hidden layer applies: "relu", "tanh" or "sigmoid"
DROPOUT = 0.0                  # the share of hidden units switched off at each training step: try 0.2
AUGMENTATION = 0               # changed copies of each training image (flipped, cropped, recoloured): try 2
EPOCHS = 15
BATCH_SIZE = 8
LEARNING_RATE = 0.001
VALIDATION_SPLIT = 0.2         # the share of training images held out to watch for overfitting
SEED = 0                       # the same seed gives the same network every time
CAMERA = 0                     # 0 is the first webcam; or a video file or a folder of images ("clips/fruit.mp4")
RECORD_RATE = 8                # pictures a second while R is held: more is not always better (near-twins)
TEST_FRACTION = 0.2            # the share of each recorded class kept apart for testing
WIDTH, HEIGHT = 1200, 660
TITLE = "Image classifier"


def build_model(settings):     # Step 3a: the network each training starts from; try activation="tanh"
    return MLPClassifier(hidden_layers=settings["hidden_layers"], activation=settings["activation"],
                         dropout=settings["dropout"], learning_rate=settings["learning_rate"],
                         epochs=settings["epochs"], batch_size=settings["batch_size"],
                         validation_split=settings["validation_split"], seed=settings["seed"])
    # settings: the Training page's boxes (activation: relu, tanh or sigmoid; dropout: 0 to 0.9)


def training_done(results):    # Step 3b: runs when a training ends: print, compare, keep a log…
    pass                       # results["train_accuracy"], results["test_accuracy"], results["epochs"]


# The window reads the knobs above, build_model and training_done. It also draws each frame, moves the work on,
# reports its state and saves on quit: a draw(screen) of your own here would call app.draw(screen) first.
app = ImageApp.from_sketch(globals())


def arguments(parser):
    add_arguments(parser)      # --dataset, --features, --layers, --epochs, --train, --predict, --camera…


def setup(args):
    app.start(args)            # Step 1 starts at once: the dataset loads in the background


def key_pressed(key, unicode):
    app.session.answer(key)                  # the line offering the last session: Enter continues it, others not
    if app.editing:                          # a box has the keyboard: a setting, or a class name
        app.type_key(key, unicode)
    elif key in ("r", "space"):
        app.record()                         # Step 1: held down, the camera's frames go to the chosen class
    elif key in ("1", "2", "3", "4", "5"):
        app.show_page(int(key) - 1)
    elif key == "tab":
        app.show_page(app.page + 1)
    elif key == "e":
        app.extract()                        # Step 2: features, computed in the background
    elif key == "t":
        app.train(page=True)                 # Step 3: train, on page 3 (the window stays alive: watch the curves)
    elif key == "s":
        app.stop()
    elif key in ("page up", "page down"):
        app.page_key(key, mouse.x, mouse.y)  # browse the grid under the mouse
    elif key == "n":
        app.open_collection()                # Step 1: your own classes, from the camera
    elif key == "d":
        app.save_dataset()                   # as the course's Marcelle files and as image folders
    elif key == "x":
        app.exports.start()                  # any dataset as one Marcelle file, its x from the current features
    elif key == "u":
        app.edits.undo()                     # the last image deleted or moved on page 1 comes back
    elif key == "l":
        app.toggle_live()                    # Step 5: the camera, classified continuously
    elif key == "m":
        app.models.save()
    elif key == "k":
        app.reports.write()                  # the lesson's report, for the reflection log (or the Report button)
    elif key == "f2":
        toggle_theme(app)                    # the projector theme: larger text, stronger colours


def key_released(key):
    if key in ("r", "space"):
        app.record(start=False)


def mouse_pressed(x, y, button):
    app.click(x, y, button)                  # tabs, buttons, pictures, confusion cells, boxes, Record


def mouse_released(x, y, button):
    app.release(x, y, button)                # letting go of Record stops recording


def mouse_wheel(x, y, dy):
    app.wheel(x, y, dy)


def file_dropped(path):
    app.drop(path)                           # an image to classify, a model file, or a video for the camera


if __name__ == "__main__":
    run()
