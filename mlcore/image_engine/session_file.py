"""The image classifier's last session on disk: one `.npz` file in the cache folder, written whole or not at all.

The file holds plain values and numpy arrays only, so reading it runs no code (no pickle, no torch): the entry
"session" is the JSON text of what the session was (the dataset and its edits, the features, the page, the
settings, the runs table, which run is shown, the camera), and every other entry is an array of a trained network,
as `mlcore.ml.numpy_mlp.export` gives it. A network comes back as a `NumpyMLP`, which predicts as the trained one did.

    >>> write_session(path, session, {"m0": model})     # session: plain values naming the model "m0"
    >>> session, models = read_session(path)            # models: {"m0": NumpyMLP}; SessionError if unreadable
"""

import io
import json
import zipfile
import zlib
from pathlib import Path

import numpy as np

from mlcore.files import parse_json, write_atomically
from mlcore.ml import numpy_mlp

VERSION = 1
FILE_NAME = "image_classifier.npz"
ARRAY = "__array__"  # {"__array__": name} in the JSON text stands for the array stored under that name


class SessionError(Exception):
    """The session file cannot be read back; the message is one sentence for the message bar."""


def session_path(cache_folder):
    """Where the image classifier keeps its last session: `<cache folder>/session/image_classifier.npz`."""
    return Path(cache_folder) / "session" / FILE_NAME


def exported(model):
    """`model`'s weights as plain numpy values (`NumpyMLP.exported`, or `numpy_mlp.export` of a torch MLP); None
    for a model of another kind (a sketch's own classifier), which is then not kept."""
    kept = getattr(model, "exported", None)
    if isinstance(kept, dict):
        return kept
    try:
        return numpy_mlp.export(model)
    except (AttributeError, TypeError):
        return None


def _encode(value, arrays, name):
    """`value` as JSON-ready values, its numpy arrays moved into `arrays` under names that start with `name`."""
    if isinstance(value, np.ndarray):
        arrays[name] = value
        return {ARRAY: name}
    if isinstance(value, dict):
        return {str(key): _encode(item, arrays, f"{name}.{key}") for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_encode(item, arrays, f"{name}.{index}") for index, item in enumerate(value)]
    if isinstance(value, np.generic):
        return value.item()
    return value


def _decode(value, arrays):
    if isinstance(value, dict):
        if set(value) == {ARRAY}:
            return arrays[value[ARRAY]]
        return {key: _decode(item, arrays) for key, item in value.items()}
    if isinstance(value, list):
        return [_decode(item, arrays) for item in value]
    return value


def write_session(path, session, models):
    """Write `session` (plain values) and `models` (name -> trained model) to `path`, atomically.

    `session["model"]` and each of `session["runs"]` name their model in "model" (or None). A model that cannot be
    exported is left out, and so is its name. An OSError (a full disk, a folder that cannot be written) reaches the
    caller, and the last file stays whole.
    """
    arrays, encoded = {}, {}
    for name, model in models.items():
        weights = exported(model)
        if weights is not None:
            encoded[name] = _encode(weights, arrays, name)
    for entry in _entries(session):
        if entry.get("model") not in encoded:
            entry["model"] = None
    text = json.dumps({**session, "version": VERSION, "models": encoded}, default=_plain)
    buffer = io.BytesIO()
    np.savez(buffer, session=np.array(text), **arrays)
    write_atomically(path, buffer.getvalue())


def _plain(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not kept in a session")


def read_session(path):
    """(session, models) from the file at `path`: plain values, and name -> `NumpyMLP`. SessionError if it cannot
    be read, is not a session file, or is damaged."""
    path = Path(path)
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
    except OSError as error:
        raise SessionError(f"the last session ({path}) cannot be read ({error.strerror or error})") from None
    except (ValueError, EOFError, zipfile.BadZipFile, zlib.error):
        raise SessionError(f"the last session ({path}) is damaged (not a whole session file)") from None
    try:
        session = parse_json(str(arrays.pop("session")), f"the last session ({path})", SessionError)
        if not isinstance(session, dict) or session.get("version") != VERSION:
            raise SessionError(f"the last session ({path}) was written by another version of this sketch")
        models = {name: numpy_mlp.NumpyMLP(_decode(value, arrays)) for name, value in session["models"].items()}
        check(session, models)
    except SessionError:
        raise
    except (ValueError, KeyError, TypeError, IndexError, AttributeError) as error:
        raise SessionError(f"the last session ({path}) is damaged ({type(error).__name__}: {error})") from None
    return session, models


def _entries(session):
    """The current model's entry and the runs', each naming its model (or None)."""
    return ([session["model"]] if session["model"] is not None else []) + list(session["runs"])


def check(session, models):
    """A TypeError or KeyError where `session` lacks a part the sketch reads, so a damaged file is found on reading."""
    source = session["source"]
    if "collection" in source:
        if not isinstance(source["collection"], str) or not isinstance(source["test_fraction"], (int, float)):
            raise TypeError("own classes without their folder or test share")
    elif not isinstance(source["dataset"], str):
        raise TypeError("no dataset named")
    if (
        not all(isinstance(session[key], str) for key in ("dataset", "features", "page"))
        or not isinstance(session["params"], dict)
        or not isinstance(session["extracted"], (str, type(None)))
    ):
        raise TypeError("no dataset name, features, page or settings")
    for change in session["edits"]:
        if not (
            change["split"] in ("train", "test")
            and change["to_split"] in ("train", "test", None)
            and isinstance(change["index"], int)
            and isinstance(change["id"], str)
            and isinstance(change["label"], (str, type(None)))
        ):
            raise TypeError(f"an edit that cannot be made: {change}")
    if not all(isinstance(run["row"], dict) for run in session["runs"]):
        raise TypeError("a run without its row")
    for entry in _entries(session):
        if entry["model"] is not None:
            model = models[entry["model"]]
            if not model.weights or len(model.weights) != len(model.biases):
                raise TypeError(f"model {entry['model']} has no layers")
            if (
                not isinstance(entry["history"], dict)
                or not isinstance(entry["trained_on"], str)
                or not isinstance(entry["epochs"], int)
            ):
                raise TypeError(f"model {entry['model']} without its curves or features")
    if not isinstance(session.get("camera"), (int, str, type(None))):  # None: a file written before it was kept
        raise TypeError("the camera is neither a number nor a path")
    if session["run_shown"] is not None and not isinstance(session["run_shown"], int):
        raise TypeError("the run shown is not a number")
