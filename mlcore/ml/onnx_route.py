"""A torch feature network run by ONNX Runtime: exported once into the cache, checked against torch before use.

    >>> network, warning = onnx_route.network("efficientnet_lite0", torch_model, pixels, head)
    >>> vectors = network.vectors(pixels(images)) if network is not None else ...  # else: torch, and `warning`

`pixels(images)` makes the N x H x W x 3 float32 batch the network reads; `head(model, batch)` is the network's
forward pass in torch, from an N x 3 x H x W tensor to the N x D feature vectors. The export takes the batch
channels-last as it comes and transposes it inside the graph.

On a CPU, ONNX Runtime gives the same vectors as torch (to about 1e-5) about half as fast again, and keeps more
of its speed when another process is busy on the same cores (`benchmarks/bench_features.py` measures it). The
exported file lives in `cache_dir()/onnx`, named by a digest of the weights and of torch's and ONNX Runtime's
versions, so that a change of any of them makes a new export. Before a network is used, in each process, its
vectors for a few made-up images are compared with torch's; where onnxruntime is missing, the export fails or the
vectors differ, `network` gives None and a one-line warning, and the caller goes on with torch.
"""

from __future__ import annotations

import hashlib
import io
import threading
import warnings
import weakref

import numpy as np

from mlcore.files import cache_dir, write_atomically

ROUTE_VERSION = "nhwc float32 pixels, opset 17, v1"  # part of the key: change it when the export changes
MIN_COSINE = 0.999  # every probe image's vector, against torch's
MAX_DIFFERENCE = 1e-3  # the largest difference in any number (measured: about 1e-5)
_PROBES = 4
_OPSET = 17

_decided = weakref.WeakKeyDictionary()  # torch model -> its OnnxNetwork, or None where torch is used
_lock = threading.Lock()


class OnnxNetwork:
    """An ONNX Runtime session that turns a batch of pixels (N x H x W x 3, float32) into N feature vectors."""

    def __init__(self, session, path=None):
        self.session = session
        self.path = path  # the cached export it was read from, or None when it could not be written

    def vectors(self, batch):
        """The (N, D) float32 vectors of `batch`."""
        batch = np.ascontiguousarray(batch, dtype=np.float32)
        return self.session.run(None, {"pixels": batch})[0]


def network(name, model, pixels, head, folder=None):
    """(OnnxNetwork, "") for torch `model` of extractor `name`; or (None, a one-line warning) to use torch.

    Decided once per model: later calls give the same network (or None) and an empty warning. `folder`: where
    exports are kept (default `cache_dir()/onnx`).
    """
    with _lock:
        if model in _decided:
            return _decided[model], ""
        found, warning = _decide(name, model, pixels, head, cache_dir() / "onnx" if folder is None else folder)
        _decided[model] = found
        return found, warning


def export_path(name, model, folder=None):
    """Where the export of `model` is kept (whether or not it is there yet)."""
    import onnxruntime
    import torch

    digest = hashlib.sha256(f"{name}|{ROUTE_VERSION}|{torch.__version__}|{onnxruntime.__version__}".encode())
    for key, tensor in model.state_dict().items():
        digest.update(key.encode())
        digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return (cache_dir() / "onnx" if folder is None else folder) / f"{name}-{digest.hexdigest()[:16]}.onnx"


def _decide(name, model, pixels, head, folder):
    try:
        import onnxruntime  # noqa: F401  (only to know it is there)
    except ImportError:
        return None, (
            f"{name}: onnxruntime is not installed, so features come from torch, more slowly "
            "(pip install -r requirements.txt)"
        )
    except Exception as error:  # installed but broken (a library it needs is missing, say)
        return None, f"{name}: onnxruntime cannot be loaded ({_one_line(error)}): features come from torch"
    path = export_path(name, model, folder)
    probes = pixels(probe_images())
    expected = _torch_vectors(model, head, probes)
    if path.exists():
        try:
            found = OnnxNetwork(_session(str(path)), path)
            if _difference(found.vectors(probes), expected) is None:
                return found, ""
        except Exception:  # a damaged or foreign file: exported again below
            pass
    try:
        data = _export(model, head, probes)
        found = OnnxNetwork(_session(data))
        problem = _difference(found.vectors(probes), expected)
    except Exception as error:
        return None, f"{name} could not be run through ONNX Runtime ({_one_line(error)}): features come from torch"
    if problem is not None:
        return None, f"{name} through ONNX Runtime differs from torch ({problem}): features come from torch"
    try:
        write_atomically(path, data)
        found.path = path
    except OSError:
        pass  # used from memory this time, exported again next time
    return found, ""


def probe_images(count=_PROBES, size=256):
    """Made-up RGB images (smooth colour ramps with noise) that the check runs both routes on."""
    rng = np.random.default_rng(12345)
    ramp = np.linspace(0.0, 1.0, size, dtype=np.float32)
    images = []
    for _ in range(count):
        start, end = rng.uniform(0, 255, (2, 3)).astype(np.float32)
        across = start + (end - start) * ramp[None, :, None]
        noise = rng.normal(0, 25, (size, size, 3)).astype(np.float32)
        images.append(np.clip(across + noise + 40 * ramp[:, None, None], 0, 255).astype(np.uint8))
    return images


def _torch_vectors(model, head, batch):
    import torch

    with torch.inference_mode():
        tensor = torch.from_numpy(np.ascontiguousarray(batch)).permute(0, 3, 1, 2)
        return head(model, tensor).float().cpu().numpy()


def _difference(found, expected):
    """None where `found` agrees with `expected` image by image; else what differs, in a few words.

    Every number within MAX_DIFFERENCE (relative to the largest where that is over 1), and every vector pointing
    the same way (cosine at least MIN_COSINE) unless it is too short to have a direction (untrained weights).
    """
    if found.shape != expected.shape:
        return f"shape {found.shape} instead of {expected.shape}"
    largest = float(np.max(np.abs(found - expected), initial=0.0))
    lengths = np.linalg.norm(expected, axis=1)
    long = lengths > 1e-3
    cosines = np.sum(found * expected, axis=1) / np.maximum(np.linalg.norm(found, axis=1) * lengths, 1e-30)
    cosine = float(np.min(cosines[long], initial=1.0))
    if not (
        largest <= MAX_DIFFERENCE * max(1.0, float(np.max(np.abs(expected), initial=0.0))) and cosine >= MIN_COSINE
    ):  # both also false for NaN
        return f"cosine {cosine:.4f}, largest difference {largest:.2g}"
    return None


def _exported(model, head):
    """The torch module that is exported: channels-last pixels in, feature vectors out."""
    import torch

    class Exported(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.model = model

        def forward(self, batch):
            return head(self.model, batch.permute(0, 3, 1, 2))

    return Exported().eval()


def _export(model, head, probes):
    """The ONNX file's bytes (torch's TorchScript-based exporter, which needs the package onnx besides torch)."""
    import torch

    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the exporter's notes on constant folding and on its own future
        torch.onnx.export(
            _exported(model, head),
            (torch.from_numpy(np.ascontiguousarray(probes[:1])),),
            buffer,
            dynamo=False,
            input_names=["pixels"],
            output_names=["features"],
            dynamic_axes={"pixels": {0: "batch"}, "features": {0: "batch"}},
            opset_version=_OPSET,
        )
    return buffer.getvalue()


def _session(model):
    """An ONNX Runtime session on the CPU, with as many threads as torch uses, one operator after another."""
    import onnxruntime
    import torch

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = torch.get_num_threads()
    options.inter_op_num_threads = 1
    options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3  # errors only: its notes on the graph are not for a student
    # Threads that wait instead of spinning between operators: they leave the cores to a window drawing beside
    # them (measured on 2 busy cores: about 10% more images a second than spinning).
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return onnxruntime.InferenceSession(model, options, providers=["CPUExecutionProvider"])


def _one_line(error):
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0][:120]}" if text else type(error).__name__
