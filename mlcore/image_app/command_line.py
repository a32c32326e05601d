"""The image classifier's command line: its options, and what they ask for as a queue of steps.

    python -m sketches.image_classifier --dataset miniFRUIT --features color_histogram --train --epochs 15 \\
        --predict a.jpg b.jpg --quit-when-idle

becomes the settings (`settings_from`), the page to show (`first_page`) and the steps [load, train, predict a.jpg,
predict b.jpg] (`steps_from`); with `--quit-when-idle` and no replay, `--save-model PATH`, `--export PATH` and
`--save-dataset DIR` are steps too (after the training). Each `--predict` image is read before anything starts; one that is missing or not
an image ends the run at once with a one-line error and exit status 1.
"""

import argparse
import sys
from pathlib import Path

from mlcore.image_engine.images import PipelineError, read_image
from mlcore.ml import settings
from mlcore.ml.features import EXTRACTORS
from mlcore.widgets import theme

PAGES = ["Data", "Features", "Training", "Testing", "Deployment"]
SETTING_OPTIONS = (
    ("layers", "hidden_layers"),
    ("epochs", "epochs"),
    ("batch_size", "batch_size"),
    ("learning_rate", "learning_rate"),
    ("validation_split", "validation_split"),
    ("seed", "seed"),
    ("activation", "activation"),
    ("dropout", "dropout"),
    ("augmentation", "augmentation"),
)


def _setting(key):
    """An argparse type that reads a training setting as the Training page does."""

    def convert(text):
        try:
            return settings.parse(key, text)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    return convert


def add_arguments(parser):
    """The image classifier's own options (the runtime adds --headless, --seed, --screenshot…)."""
    parser.add_argument(
        "--dataset",
        metavar="NAME|DIR|FILE",
        help="builtin, a course dataset (miniMASK, miniROAD, miniTRASH, miniRETINA, miniSKIN, "
        "miniFRUIT), a folder, or a Marcelle .json file (an Export)",
    )
    parser.add_argument("--features", choices=EXTRACTORS, help="the feature extractor")
    _training_arguments(parser)
    parser.add_argument("--train", action="store_true", help="load, extract, train and test with no clicks")
    parser.add_argument(
        "--predict",
        nargs="+",
        metavar="IMAGE",
        help="classify these image files once a model is trained; prints one line per image",
    )
    parser.add_argument(
        "--quit-when-idle", action="store_true", help="exit once nothing is running and nothing more is queued"
    )
    parser.add_argument("--page", type=str.capitalize, choices=PAGES, help="the page to start on")
    parser.add_argument(
        "--camera",
        metavar="N|PATH",
        help="the webcam number (0: the first), or a video file or a folder of images to play as one",
    )
    parser.add_argument(
        "--collection",
        metavar="NAME|DIR",
        help="record your own classes into this collection (a name under the cache, or a folder)",
    )
    parser.add_argument("--save-dataset", metavar="DIR", help="where Save dataset writes (default ./NAME-dataset)")
    parser.add_argument("--save-model", metavar="PATH", help="where Save model writes (default ./NAME.model.pt)")
    parser.add_argument(
        "--export",
        metavar="PATH",
        help="where Export (X) writes the dataset as one Marcelle file (default ./NAME-marcelle.json)",
    )
    parser.add_argument(
        "--report",
        metavar="DIR",
        help="write the lesson's report into a new folder in DIR when the window closes (as K does)",
    )
    parser.add_argument("--live", action="store_true", help="classify the camera live once a model is ready")
    parser.add_argument(
        "--restore",
        action="store_true",
        help="continue where the last session stopped (its dataset and edits, features, model, runs "
        "and page) without asking",
    )


def _training_arguments(parser):
    """The training's settings, each checked by its rule (`mlcore.ml.settings`) as it is read."""
    parser.add_argument("--layers", type=_setting("hidden_layers"), metavar="64,32", help="hidden layer sizes")
    parser.add_argument("--epochs", type=_setting("epochs"), metavar="N")
    parser.add_argument("--batch-size", type=_setting("batch_size"), metavar="N")
    parser.add_argument("--learning-rate", type=_setting("learning_rate"), metavar="F")
    parser.add_argument(
        "--validation-split",
        type=_setting("validation_split"),
        metavar="F",
        help="the share of training images held out to watch for overfitting",
    )
    parser.add_argument(
        "--activation", type=_setting("activation"), metavar="relu|tanh|sigmoid", help="what each hidden layer applies"
    )
    parser.add_argument(
        "--dropout",
        type=_setting("dropout"),
        metavar="F",
        help="the share of hidden units switched off at each training step (0 to 0.9)",
    )
    parser.add_argument(
        "--augmentation",
        type=_setting("augmentation"),
        metavar="N",
        help="changed copies (flipped, cropped, recoloured) of each training image to train on too",
    )


def option(args, name, default=None):
    """An option's value; `args` may come from another parser (a test's, the runtime's alone) that lacks it."""
    value = getattr(args, name, None)
    return default if value is None else value


def settings_from(args, params):
    """`params` with the training settings given on the command line."""
    params = dict(params)
    for name, key in SETTING_OPTIONS:
        if option(args, name) is not None:
            params[key] = option(args, name)
    return params


def saved_files(args):
    """(dataset, model file) asked for: --dataset and --load-model, or the common --load (a .pt is a model)."""
    dataset, model_file = option(args, "dataset"), option(args, "load_model")
    saved = option(args, "load")
    if saved and str(saved).endswith(".pt"):
        model_file = model_file or saved
    elif saved:
        dataset = dataset or saved
    return dataset, model_file


def is_batch(args):
    """A run with no clicks: it trains or predicts and quits, and never needs the New dataset view."""
    return any(option(args, name) for name in ("train", "predict", "quit_when_idle"))


def unattended(args):
    """A batch run with no replay: no key will ask for Save model, Export or Save dataset, so their options are
    steps of the run."""
    return bool(option(args, "quit_when_idle")) and not option(args, "replay")


def first_page(args):
    """The page to show first: --page, else Deployment for --live or --predict, else None (the app decides)."""
    if option(args, "page"):
        return args.page
    if option(args, "live") or option(args, "predict"):
        return "Deployment"
    return None


def steps_from(args, dataset, model_file, default_dataset, recorded=False):
    """The steps the command line asks for, in order. `recorded`: the collection has images and is the data."""
    steps = [("collection", None)] if recorded and not dataset else []
    if dataset or not steps:
        steps.append(("load", dataset or default_dataset))
    predict = option(args, "predict", [])
    if option(args, "train", False) or (predict and not model_file):
        steps.append(("train", None))  # extracts first when the features are not there yet
    elif option(args, "features"):
        steps.append(("extract", args.features))
    if model_file:
        steps.append(("load_model", model_file))
    steps += [("predict", str(path)) for path in predict]
    if unattended(args):  # no key will ask for them: they are steps
        if option(args, "save_model"):
            steps.append(("save_model", str(Path(args.save_model))))
        if option(args, "export"):
            steps.append(("export", None))
    return steps


def check_images(paths):
    """Every --predict image readable and decodable, else a one-line error and exit status 1, before any work."""
    for path in paths:
        try:
            read_image(path)
        except PipelineError as error:
            print(f"image_classifier: --predict: {error}", file=sys.stderr)
            raise SystemExit(1) from None


def prediction_line(path, ranked):
    """One image's answer for standard output: `photo.jpg: banana (banana 0.912, apple 0.051, …)`."""
    confidences = ", ".join(f"{label} {p:.3f}" for label, p in ranked)
    return f"{Path(path)}: {ranked[0][0]} ({confidences})"


def start(app, args):
    """Read the command line into `app` (an ImageApp) and queue the steps it asks for; the first is loading the
    dataset."""
    predict = option(args, "predict", [])
    check_images(predict)  # a missing or broken image ends the run before any work
    pipeline = app.pipeline
    pipeline.params.update(settings_from(args, pipeline.params))
    features = option(args, "features") or app.features
    if features:
        pipeline.features_name = features
    app.batch.quit_when_idle = option(args, "quit_when_idle", False)
    theme.use("projector" if option(args, "projector", False) else theme.current())
    if option(args, "camera") is not None:
        app.camera.use(args.camera)
    app.own.save_to = option(args, "save_dataset")
    app.models.save_to = option(args, "save_model")
    app.exports.path = option(args, "export")
    app.reports.folder = option(args, "report")
    dataset, app.models.last = saved_files(args)
    if option(args, "collection"):
        app.open_collection(args.collection, page=not option(args, "page"), show=not is_batch(args))
    app.steps.waiting = steps_from(args, dataset, app.models.last, app.dataset_spec, recorded=app.own.recorded)
    if unattended(args) and option(args, "save_dataset"):
        if app.own.recorded:
            app.own.save()  # after the steps above: the recordings made the dataset, with their features
        else:
            app.batch.step_failed("save_dataset", "nothing to save: --collection names no recorded images")
    app.live.wanted = bool(option(args, "live", False))
    app.predictions.printed = {str(path) for path in predict}
    page = first_page(args)
    if page:
        app.page = PAGES.index(page)
    app.session.start(args)
