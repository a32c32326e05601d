"""Tests of the ONNX Runtime route for the feature networks (mlcore.ml.onnx_route, through features.extract).

Every test gets its own cache folder (so its own exports) and decides the route afresh; the torch models stay
loaded for the module. Nothing here is timed: `benchmarks/bench_features.py` measures the speed.
"""

import sys
import weakref

import numpy as np
import pytest

from mlcore.data.builtin import make_builtin
from mlcore.ml import features, onnx_route
from mlcore.ml.features import FeatureCache, extract

NAME = "efficientnet_lite0"

pytest.importorskip("onnxruntime", reason="onnxruntime is not installed: the ONNX route cannot be tested")


@pytest.fixture(autouse=True)
def fresh_route(tmp_path, monkeypatch):
    """A cache folder of the test's own, and no route decided yet for any model."""
    monkeypatch.setenv("ML_SKETCHES_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(onnx_route, "_decided", weakref.WeakKeyDictionary())
    return tmp_path / "cache" / "onnx"


@pytest.fixture(scope="module")
def images():
    """Eight images of the built-in dataset (fruit on tables), drawn offline, and two of another size."""
    dataset = make_builtin(seed=3, per_class_train=1, per_class_test=1)
    return [sample.image for sample in dataset.train + dataset.test] + onnx_route.probe_images(2, size=300)


def torch_vectors(name, images):
    """The vectors of `images` by the torch model itself, as the route is checked against."""
    return features._COMPUTE[name](features._model(name, "cpu"), images, "cpu")


def cosines(found, expected):
    return np.sum(found * expected, axis=1) / (np.linalg.norm(found, axis=1) * np.linalg.norm(expected, axis=1))


def count_exports(monkeypatch):
    """Wrap the export; the returned list grows by one per network exported."""
    exports = []
    real = onnx_route._export

    def counted(*args):
        exports.append(args[0])
        return real(*args)

    monkeypatch.setattr(onnx_route, "_export", counted)
    return exports


def wrong_head(model, batch):
    """EfficientNet-Lite0's head with its numbers changed: what a broken export would give."""
    return features._efficientnet_head(model, batch).flip(1) * 0.5


@pytest.fixture(scope="module")
def wrong_export():
    """The bytes of a valid ONNX file whose vectors are not EfficientNet-Lite0's (exported once for the module)."""
    pixels, _ = features._NETWORKS[NAME]
    return onnx_route._export(features._model(NAME, "cpu"), wrong_head, pixels(onnx_route.probe_images(1)))


def test_onnx_vectors_agree_with_torchs(images, fresh_route):
    vectors = extract(NAME, images)
    model, warning = features._fastest(NAME, "cpu")
    assert isinstance(model, onnx_route.OnnxNetwork) and warning == ""
    assert vectors.warning == "" and vectors.compute_device == "cpu" and vectors.shape == (10, 1280)
    expected = torch_vectors(NAME, images)
    assert cosines(vectors, expected).min() >= 0.999
    np.testing.assert_allclose(vectors, expected, atol=1e-4, rtol=0)
    assert np.abs(expected).max() > 1  # the tolerance is small next to the numbers compared
    [exported] = fresh_route.glob(f"{NAME}-*.onnx")
    assert model.path == exported


def test_onnx_runtime_uses_the_threads_torch_uses(images):
    import torch

    extract(NAME, images[:1])
    network, _ = features._fastest(NAME, "cpu")
    options = network.session.get_session_options()
    assert options.intra_op_num_threads == torch.get_num_threads()
    assert options.get_session_config_entry("session.intra_op.allow_spinning") == "0"
    assert network.session.get_providers() == ["CPUExecutionProvider"]


def test_the_export_is_cached_and_keyed_by_weights_and_versions(images, monkeypatch, fresh_route):
    import torch

    exports = count_exports(monkeypatch)
    first = extract(NAME, images)
    assert len(exports) == 1
    files = list(fresh_route.iterdir())
    assert [path.suffix for path in files] == [".onnx"]

    # Another process would start with nothing decided, and read the file instead of exporting again.
    monkeypatch.setattr(onnx_route, "_decided", weakref.WeakKeyDictionary())
    second = extract(NAME, images)
    assert len(exports) == 1 and list(fresh_route.iterdir()) == files
    np.testing.assert_array_equal(second, first)

    model = features._model(NAME, "cpu")
    path = onnx_route.export_path(NAME, model, fresh_route)
    assert path == files[0]
    for version in ("onnxruntime.__version__", "torch.__version__"):
        with monkeypatch.context() as patch:
            patch.setattr(version, "0.0.1")
            assert onnx_route.export_path(NAME, model, fresh_route) != path
    changed = features.load_efficientnet_lite0()
    with torch.no_grad():
        changed._conv_head.weight[0, 0, 0, 0] += 1e-3
    assert onnx_route.export_path(NAME, changed, fresh_route) != path


def test_a_cached_export_that_disagrees_with_torch_is_exported_again(images, monkeypatch, fresh_route, wrong_export):
    path = onnx_route.export_path(NAME, features._model(NAME, "cpu"), fresh_route)
    path.parent.mkdir(parents=True)
    path.write_bytes(wrong_export)
    exports = count_exports(monkeypatch)
    vectors = extract(NAME, images)
    assert len(exports) == 1 and vectors.warning == ""
    assert isinstance(features._fastest(NAME, "cpu")[0], onnx_route.OnnxNetwork)
    np.testing.assert_allclose(vectors, torch_vectors(NAME, images), atol=1e-4, rtol=0)

    path.write_bytes(b"not an ONNX file")  # damaged: exported again too
    monkeypatch.setattr(onnx_route, "_decided", weakref.WeakKeyDictionary())
    np.testing.assert_allclose(extract(NAME, images), vectors, atol=1e-5, rtol=0)
    assert len(exports) == 2 and path.stat().st_size > 1_000_000


def test_a_failed_check_falls_back_to_torch_and_says_so_once(images, monkeypatch, fresh_route, tmp_path, wrong_export):
    monkeypatch.setattr(onnx_route, "_export", lambda model, head, probes: wrong_export)
    cache = FeatureCache(tmp_path / "features")
    vectors = extract(NAME, images, cache=cache)
    model, _ = features._fastest(NAME, "cpu")
    assert not isinstance(model, onnx_route.OnnxNetwork)
    np.testing.assert_allclose(vectors, torch_vectors(NAME, images), atol=1e-5, rtol=0)
    assert vectors.warning.startswith(f"{NAME} through ONNX Runtime differs from torch (cosine")
    assert vectors.warning.endswith("features come from torch") and "\n" not in vectors.warning
    assert cache.warning == vectors.warning  # the line a worker passes on to the window
    assert not fresh_route.exists() or list(fresh_route.iterdir()) == []  # nothing wrong is kept
    assert extract(NAME, images[:2]).warning == ""  # said once


def test_without_onnxruntime_torch_computes_the_features(images, monkeypatch, fresh_route):
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # import onnxruntime now fails
    vectors = extract(NAME, images)
    assert not isinstance(features._fastest(NAME, "cpu")[0], onnx_route.OnnxNetwork)
    np.testing.assert_allclose(vectors, torch_vectors(NAME, images), atol=1e-5, rtol=0)
    assert vectors.warning.startswith(f"{NAME}: onnxruntime is not installed, so features come from torch")
    assert not fresh_route.exists()


def test_a_failed_export_falls_back_to_torch(images, monkeypatch, fresh_route):
    monkeypatch.setitem(sys.modules, "onnx", None)  # torch's exporter needs the package onnx
    vectors = extract(NAME, images)
    assert vectors.warning.startswith(f"{NAME} could not be run through ONNX Runtime (")
    assert "onnx" in vectors.warning and "\n" not in vectors.warning
    np.testing.assert_allclose(vectors, torch_vectors(NAME, images), atol=1e-5, rtol=0)


def test_an_export_that_cannot_be_written_is_still_used(images, monkeypatch, fresh_route):
    fresh_route.parent.mkdir(parents=True)
    fresh_route.write_text("a file where the folder should be")
    vectors = extract(NAME, images)
    network, warning = features._fastest(NAME, "cpu")
    assert isinstance(network, onnx_route.OnnxNetwork) and network.path is None
    assert vectors.warning == ""
    np.testing.assert_allclose(vectors, torch_vectors(NAME, images), atol=1e-4, rtol=0)


def test_a_gpu_keeps_torch(monkeypatch):
    sentinel = object()
    monkeypatch.setattr(features, "_model", lambda name, device: sentinel)

    def no_onnx(*args, **kwargs):
        raise AssertionError("ONNX Runtime was asked for on a GPU")

    monkeypatch.setattr(onnx_route, "network", no_onnx)
    assert features._fastest(NAME, "cuda") == (sentinel, "")
    assert features._fastest(NAME, "cuda:1") == (sentinel, "")


def test_mobilenet_goes_through_onnx_runtime_too(images, tmp_path, monkeypatch):
    import torch
    from torchvision.models import mobilenet_v3_small

    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    checkpoints = tmp_path / "torch" / "hub" / "checkpoints"
    checkpoints.mkdir(parents=True)
    # Untrained weights of the right shapes stand in for the downloaded file (no network here).
    torch.manual_seed(2)
    torch.save(mobilenet_v3_small(weights=None).state_dict(), checkpoints / features.MOBILENET_WEIGHTS_FILE)
    vectors = extract("mobilenet_v3_small", images)
    assert isinstance(features._fastest("mobilenet_v3_small", "cpu")[0], onnx_route.OnnxNetwork)
    assert vectors.shape == (10, 576) and vectors.warning == ""
    expected = torch_vectors("mobilenet_v3_small", images)
    np.testing.assert_allclose(vectors, expected, atol=1e-6 + 1e-4 * np.abs(expected).max(), rtol=0)
