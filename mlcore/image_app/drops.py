"""A file dropped on the window, told apart by what it is: a model file loads, a Marcelle file (.json) becomes the
dataset, a video or a folder becomes the camera, anything else is an image to classify."""

from pathlib import Path

from mlcore.image_app.camera.feed import camera_source_kind
from mlcore.image_app.camera.picker import use_file_source

MODEL_EXTENSIONS = (".pt", ".pth")
DATASET_EXTENSIONS = (".json",)  # an Export of this sketch, or any course file


def drop_file(app, path):
    """Do with the dropped file at `path` what its kind asks for."""
    source = Path(path)
    suffix = source.suffix.lower()
    if suffix in MODEL_EXTENSIONS:
        app.load_model(path)
    elif suffix in DATASET_EXTENSIONS and source.is_file():
        app.say(f"opening {source.name} as the dataset")
        app.load(str(source))
    elif camera_source_kind(source):
        if use_file_source(app, source):
            app.collector.picker.editing = False  # a path half typed in the picker's box is answered by the drop
    else:
        app.predictions.file(path)
