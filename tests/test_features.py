"""Tests of mlcore.ml.features: the extractors' vectors, the pretrained EfficientNet-Lite0, the cache, cancelling.

The tests on the course's miniFRUIT images read them from ../shared/datasets and skip where that folder is
absent (a fresh clone). Nothing here reaches the network: the one download is answered by a fake `urlopen`.
"""

import base64
import errno
import json
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path

import cv2
import numpy as np
import pytest

from mlcore.ml import features
from mlcore.ml.features import Cancelled, FeatureCache, FeatureError, extract

DATASETS = Path(__file__).resolve().parents[2] / "shared" / "datasets"
BANANA = 954  # ImageNet's "banana"


def decode_thumbnail(data_url):
    """A Marcelle thumbnail ("data:image/jpeg;base64,...") as an RGB uint8 array."""
    encoded = np.frombuffer(base64.b64decode(data_url.split(",", 1)[1]), dtype=np.uint8)
    return cv2.cvtColor(cv2.imdecode(encoded, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)


@pytest.fixture(scope="module")
def fruit():
    """miniFRUIT's 60 thumbnails: {"train": (images, labels, stored x), "test": (...)}."""
    splits = {}
    for split in ("train", "test"):
        path = DATASETS / f"miniFRUIT_{split}.json"
        if not path.exists():
            pytest.skip("no ../shared/datasets (the course's dataset files are not in this checkout)")
        instances = json.loads(path.read_text())["instances"]
        images = [decode_thumbnail(instance["thumbnail"]) for instance in instances]
        splits[split] = (images, [instance["y"] for instance in instances], [instance["x"] for instance in instances])
    return splits


@pytest.fixture(scope="module")
def fruit_features(fruit):
    """EfficientNet-Lite0 features of the train and test thumbnails, computed once for the module."""
    return {split: extract("efficientnet_lite0", images) for split, (images, _, _) in fruit.items()}


def generated_images(count, size=224, seed=0):
    """Smooth colour gradients with noise: images that differ from one another, without any data files."""
    rng = np.random.default_rng(seed)
    ramp = np.linspace(0, 1, size, dtype=np.float32)
    images = []
    for _ in range(count):
        colour_a, colour_b = rng.uniform(0, 255, (2, 3)).astype(np.float32)
        mix = ramp[None, :, None] if rng.random() < 0.5 else ramp[:, None, None]
        image = colour_a * (1 - mix) + colour_b * mix + rng.normal(0, 12, (size, size, 3))
        images.append(np.clip(image, 0, 255).astype(np.uint8))
    return images


# ---------------------------------------------------------------------------------------------------- basics


def test_importing_the_module_loads_neither_torch_nor_opencv():
    code = "import sys, mlcore.ml.features; print(sorted({'torch', 'torchvision', 'cv2'} & set(sys.modules)))"
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_names_and_dimensions():
    assert features.EXTRACTORS == ["stored", "efficientnet_lite0", "mobilenet_v3_small", "color_histogram", "pixels"]
    assert [features.dim(name) for name in features.EXTRACTORS] == [None, 1280, 576, 512, 768]
    with pytest.raises(FeatureError, match="unknown feature extractor 'resnet'"):
        features.dim("resnet")
    with pytest.raises(FeatureError, match="choose one of stored, efficientnet_lite0"):
        extract("resnet", generated_images(1))


@pytest.mark.parametrize("name", ["efficientnet_lite0", "color_histogram", "pixels"])
def test_each_extractor_gives_one_float32_vector_per_image(name):
    images = generated_images(3) + [generated_images(1, size=97)[0][:, :61]]  # one smaller, not square
    vectors = extract(name, images)
    assert vectors.shape == (4, features.dim(name))
    assert vectors.dtype == np.float32
    assert isinstance(vectors, np.ndarray) and vectors.extractor == name and vectors.compute_device == "cpu"
    assert np.all(np.isfinite(vectors))
    assert not np.allclose(vectors[0], vectors[1])  # different images, different vectors


def test_grey_and_rgba_images_are_read_as_rgb_and_other_arrays_refused():
    rgb = generated_images(1, size=32)[0]
    grey = rgb[:, :, 0]
    rgba = np.dstack([rgb, np.full(rgb.shape[:2], 7, np.uint8)])
    vectors = extract("pixels", [grey, rgba, rgb])
    np.testing.assert_array_equal(vectors[1], vectors[2])
    assert np.allclose(vectors[0].reshape(16, 16, 3), vectors[0].reshape(16, 16, 3)[:, :, :1])
    with pytest.raises(FeatureError, match="image 1 is float64, not uint8"):
        extract("pixels", [rgb, rgb / 255.0])
    with pytest.raises(FeatureError, match=r"image 0 has shape \(8, 8, 2\)"):
        extract("color_histogram", [np.zeros((8, 8, 2), np.uint8)])


def test_color_histogram_counts_pixels_by_colour_box():
    image = np.zeros((10, 10, 3), np.uint8)
    image[:, :5] = (255, 0, 0)  # half red: box (7, 0, 0)
    image[:, 5:] = (40, 100, 250)  # half a blue: box (1, 3, 7)
    histogram = extract("color_histogram", [image])[0]
    assert histogram.sum() == pytest.approx(1.0)
    assert histogram[7 * 64] == pytest.approx(0.5)
    assert histogram[1 * 64 + 3 * 8 + 7] == pytest.approx(0.5)


def test_pixels_are_a_16_by_16_thumbnail_scaled_to_one():
    image = np.empty((224, 224, 3), np.uint8)
    image[:112], image[112:] = (255, 0, 51), (0, 102, 0)  # top half, bottom half
    pixels = extract("pixels", [image])[0].reshape(16, 16, 3)
    np.testing.assert_allclose(pixels[0, 0], [1.0, 0.0, 0.2], atol=1e-6)
    np.testing.assert_allclose(pixels[15, 15], [0.0, 0.4, 0.0], atol=1e-6)


def test_stored_vectors_are_returned_and_missing_ones_explained():
    stored = [np.arange(4, dtype=np.float64) + i for i in range(3)]
    vectors = extract("stored", generated_images(3, size=8), stored=stored)
    assert vectors.dtype == np.float32 and vectors.shape == (3, 4)
    np.testing.assert_array_equal(vectors[2], [2, 3, 4, 5])
    assert vectors.compute_device is None
    with pytest.raises(FeatureError, match="sample 1\\) have no stored features"):
        extract("stored", generated_images(3, size=8), stored=[stored[0], None, None])
    with pytest.raises(FeatureError, match="no stored features were given"):
        extract("stored", generated_images(3, size=8))


def test_stored_vectors_of_the_marcelle_files(fruit):
    images, _, stored = fruit["train"]
    vectors = extract("stored", images, stored=stored)
    assert vectors.shape == (len(images), 1024) and vectors.dtype == np.float32
    np.testing.assert_allclose(vectors[0], np.asarray(stored[0], dtype=np.float32))


def test_device_choice():
    import torch

    assert features.default_device() == ("cuda" if torch.cuda.is_available() else "cpu")
    with pytest.raises(FeatureError, match="unknown device 'tpu'"):
        extract("efficientnet_lite0", generated_images(1), device="tpu")
    if not torch.cuda.is_available():
        with pytest.raises(FeatureError, match="torch sees no CUDA GPU"):
            extract("efficientnet_lite0", generated_images(1), device="cuda")


# ---------------------------------------------------------------------------------------------------- EfficientNet


def test_efficientnet_input_is_224_square_scaled_around_127():
    import torch

    image = np.zeros((100, 300, 3), np.uint8)
    image[:, :, 0], image[:, :, 1], image[:, :, 2] = 0, 127, 255
    batch = features._efficientnet_input([image], "cpu")
    assert batch.shape == (1, 3, 224, 224) and batch.dtype == torch.float32
    assert batch.is_contiguous(memory_format=torch.channels_last)
    np.testing.assert_allclose(batch[0, :, 50, 50].numpy(), [-127 / 128, 0.0, 128 / 128])


def test_efficientnet_weights_are_loaded_strictly(monkeypatch):
    import torch

    real_load = torch.load

    def load_without_one_layer(*args, **kwargs):
        state = real_load(*args, **kwargs)
        del state["_conv_head.weight"]
        return state

    monkeypatch.setattr(torch, "load", load_without_one_layer)
    with pytest.raises(RuntimeError, match="_conv_head.weight"):
        features.load_efficientnet_lite0()


def test_every_banana_ranks_imagenet_banana_in_its_top5(fruit):
    images = fruit["train"][0] + fruit["test"][0]
    labels = fruit["train"][1] + fruit["test"][1]
    top5 = features.imagenet_top5(images)
    assert top5.shape == (60, 5)
    bananas = [i for i, label in enumerate(labels) if label == "banane"]
    assert len(bananas) == 30
    missed = [i for i in bananas if BANANA not in top5[i]]
    assert missed == []
    # Not every image is a banana to the model: the apples mostly are not.
    apples = [i for i, label in enumerate(labels) if label == "pomme"]
    assert sum(BANANA == top5[i][0] for i in apples) < len(apples) // 2


def test_fast_model_gives_the_plain_models_numbers(fruit):
    import torch

    images = fruit["train"][0][:6] + fruit["test"][0][-6:]
    plain = features.load_efficientnet_lite0(fast=False)
    fast = features.load_efficientnet_lite0(fast=True)
    assert sum(isinstance(m, torch.nn.BatchNorm2d) for m in plain.modules()) == 49
    assert not any(isinstance(m, torch.nn.BatchNorm2d) for m in fast.modules())
    batch = features._efficientnet_input(images, "cpu")
    with torch.inference_mode():
        plain_features = plain.extract_features(batch.contiguous()).mean(dim=(2, 3)).numpy()
        plain_logits, fast_logits = plain(batch.contiguous()).numpy(), fast(batch).numpy()
    np.testing.assert_allclose(extract("efficientnet_lite0", images), plain_features, atol=1e-4, rtol=0)
    np.testing.assert_allclose(fast_logits, plain_logits, atol=1e-3, rtol=0)
    assert np.abs(plain_logits).max() > 1  # the tolerance is small next to the numbers compared


def test_nearest_centroid_on_efficientnet_features_separates_the_fruit(fruit, fruit_features):
    def normalised(vectors):
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)

    train, test = normalised(fruit_features["train"]), normalised(fruit_features["test"])
    train_labels, test_labels = np.array(fruit["train"][1]), np.array(fruit["test"][1])
    classes = sorted(set(train_labels))
    centroids = np.stack([train[train_labels == label].mean(axis=0) for label in classes])
    predicted = np.array(classes)[np.argmax(test @ centroids.T, axis=1)]
    accuracy = np.mean(predicted == test_labels)
    assert accuracy >= 0.9, f"nearest-centroid test accuracy {accuracy:.2f}"


def test_model_is_loaded_once_when_threads_ask_together(monkeypatch):
    monkeypatch.setattr(features, "_models", {})
    loads = []
    real_loader = features.load_efficientnet_lite0

    def counting_loader(*args, **kwargs):
        loads.append(threading.current_thread().name)
        return real_loader(*args, **kwargs)

    monkeypatch.setattr(features, "load_efficientnet_lite0", counting_loader)
    images = generated_images(5, seed=3)
    results, errors = {}, []

    def work(name):
        try:
            results[name] = extract("efficientnet_lite0", images)
        except Exception as error:  # reported by the assertion below, not lost on the thread
            errors.append(error)

    threads = [threading.Thread(target=work, args=(f"worker {i}",), name=f"worker {i}") for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == [] and len(results) == 2
    assert len(loads) == 1
    np.testing.assert_allclose(results["worker 0"], results["worker 1"], atol=1e-5)


# ---------------------------------------------------------------------------------------------------- cache


def count_model_calls(monkeypatch, name="efficientnet_lite0"):
    """Wrap the extractor's batch function; the returned list grows by one per batch computed."""
    calls = []
    real = features._COMPUTE[name]

    def counted(model, images, device):
        calls.append(len(images))
        return real(model, images, device)

    monkeypatch.setitem(features._COMPUTE, name, counted)
    return calls


def test_second_run_reads_the_cache_and_does_no_model_work(tmp_path, monkeypatch):
    images = generated_images(5, seed=1)
    cache = FeatureCache(tmp_path / "features")
    assert not (tmp_path / "features").exists()  # created on the first write, not before
    calls = count_model_calls(monkeypatch)
    first = extract("efficientnet_lite0", images, cache=cache)
    assert sum(calls) == 5 and first.cache_hits == 0
    assert len(list((tmp_path / "features" / "efficientnet_lite0").glob("*.npy"))) == 5
    assert not list((tmp_path / "features").rglob("*.tmp"))

    def no_model(*args, **kwargs):
        raise AssertionError("the model was asked for although every vector is in the cache")

    monkeypatch.setattr(features, "_model", no_model)
    progress = []
    second = extract(
        "efficientnet_lite0",
        images,
        cache=FeatureCache(tmp_path / "features"),
        progress=lambda done, total: progress.append((done, total)),
    )
    np.testing.assert_array_equal(second, first)
    assert second.cache_hits == 5 and second.compute_device is None
    assert progress == [(5, 5)]
    assert sum(calls) == 5


def test_cache_knows_images_by_their_pixels(tmp_path, monkeypatch):
    images = generated_images(3, seed=2)
    cache = FeatureCache(tmp_path)
    calls = count_model_calls(monkeypatch)
    first = extract("efficientnet_lite0", images, cache=cache)
    changed = images[1].copy()
    changed[0, 0, 0] ^= 1
    second = extract("efficientnet_lite0", [images[0], changed, images[2]], cache=cache)
    assert calls == [3, 1]  # only the changed image was computed again
    assert second.cache_hits == 2
    np.testing.assert_array_equal(second[[0, 2]], first[[0, 2]])
    assert cache.key("efficientnet_lite0", images[0]) != cache.key("mobilenet_v3_small", images[0])
    assert cache.key("efficientnet_lite0", images[0]) != cache.key("efficientnet_lite0", images[0].reshape(224, 672, 1))


def test_a_damaged_cache_file_is_computed_again(tmp_path, monkeypatch):
    images = generated_images(2, seed=4)
    cache = FeatureCache(tmp_path)
    first = extract("efficientnet_lite0", images, cache=cache)
    cache.path("efficientnet_lite0", cache.key("efficientnet_lite0", images[0])).write_bytes(b"not numpy")
    calls = count_model_calls(monkeypatch)
    second = extract("efficientnet_lite0", images, cache=cache)
    assert calls == [1]
    np.testing.assert_allclose(second, first, atol=1e-5)


def test_a_cache_folder_that_cannot_be_written_does_not_stop_extraction(tmp_path):
    blocker = tmp_path / "a file"
    blocker.write_text("a file where the cache folder should be")  # fails even for root, unlike chmod
    cache = FeatureCache(blocker / "features")
    images = generated_images(3, seed=5)
    vectors = extract("efficientnet_lite0", images, cache=cache)
    np.testing.assert_allclose(vectors, extract("efficientnet_lite0", images), atol=1e-5)
    assert "feature cache is read-only" in cache.warning
    assert "features will be recomputed next time" in cache.warning
    assert "\n" not in cache.warning


def test_a_full_cache_says_so(tmp_path, monkeypatch):
    def disk_full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(features.os, "replace", disk_full)
    cache = FeatureCache(tmp_path)
    vectors = extract("efficientnet_lite0", generated_images(2, seed=6), cache=cache)
    assert vectors.shape == (2, 1280)
    assert cache.warning.startswith("feature cache is full")
    assert not list(tmp_path.rglob("*.tmp"))  # the temporary files are removed


# ---------------------------------------------------------------------------------------------------- progress, cancel


def test_progress_is_reported_per_batch():
    reports = []
    images = generated_images(10, seed=7)
    extract("efficientnet_lite0", images, progress=lambda done, total: reports.append((done, total)))
    assert reports == [(8, 10), (10, 10)]


def test_cancel_before_start_and_between_batches(tmp_path, monkeypatch):
    assert issubclass(Cancelled, Exception)
    images = generated_images(10, seed=8)
    stop = threading.Event()
    stop.set()
    calls = count_model_calls(monkeypatch)
    with pytest.raises(Cancelled):
        extract("efficientnet_lite0", images, cancel=stop)
    assert calls == []

    stop = threading.Event()
    reports = []

    def progress(done, total):
        reports.append(done)
        stop.set()  # as if the student pressed cancel while the first batch ran

    cache = FeatureCache(tmp_path)
    with pytest.raises(Cancelled):
        extract("efficientnet_lite0", images, progress=progress, cancel=stop, cache=cache)
    assert reports == [8] and calls == [8]
    # The finished batch was kept: going on later computes only the rest.
    rest = extract("efficientnet_lite0", images, cache=cache)
    assert rest.cache_hits == 8 and calls == [8, 2]


# ---------------------------------------------------------------------------------------------------- MobileNet


class FakeNetwork:
    """Stands in for urllib.request.urlopen: records each call and answers as a machine without network."""

    def __init__(self):
        self.calls = []

    def __call__(self, url, *args, timeout=None, **kwargs):
        self.calls.append((url, timeout))
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")


def test_mobilenet_without_network_or_cached_weights_says_why(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    network = FakeNetwork()
    monkeypatch.setattr(urllib.request, "urlopen", network)
    with pytest.raises(FeatureError) as raised:
        extract("mobilenet_v3_small", generated_images(2))
    assert str(raised.value) == (
        "mobilenet_v3_small needs its weights, downloaded once from the internet; no network: choose another extractor"
    )
    [(url, timeout)] = network.calls
    assert url.endswith("mobilenet_v3_small-047dcff4.pth")
    assert timeout is not None and timeout <= 30  # never a hang on a network that is not there
    checkpoints = tmp_path / "torch" / "hub" / "checkpoints"
    assert not checkpoints.exists() or list(checkpoints.iterdir()) == []
    # Nothing else is broken by it.
    assert extract("color_histogram", generated_images(2)).shape == (2, 512)


def test_mobilenet_reads_weights_already_in_torch_hubs_cache(tmp_path, monkeypatch):
    import torch
    from torchvision.models import mobilenet_v3_small

    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    network = FakeNetwork()
    monkeypatch.setattr(urllib.request, "urlopen", network)
    checkpoints = tmp_path / "torch" / "hub" / "checkpoints"
    checkpoints.mkdir(parents=True)
    # Untrained weights of the right shapes stand in for the downloaded file.
    torch.manual_seed(0)
    torch.save(mobilenet_v3_small(weights=None).state_dict(), checkpoints / "mobilenet_v3_small-047dcff4.pth")
    vectors = extract("mobilenet_v3_small", generated_images(3) + [generated_images(1, size=300)[0][:, :200]])
    assert vectors.shape == (4, 576) and vectors.dtype == np.float32
    assert vectors.compute_device == "cpu" and np.all(np.isfinite(vectors))
    assert network.calls == []


@pytest.fixture
def loopback_server(tmp_path):
    """A local HTTP server for the folder it returns: the download code is tested without the internet."""
    import functools
    import http.server

    folder = tmp_path / "served"
    folder.mkdir()

    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield folder, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_mobilenet_weights_are_downloaded_and_checked(tmp_path, monkeypatch, loopback_server):
    import hashlib

    import torch
    from torchvision.models import mobilenet_v3_small

    served, address = loopback_server
    torch.manual_seed(1)
    weights = served / "weights.pth"
    torch.save(mobilenet_v3_small(weights=None).state_dict(), weights)
    prefix = hashlib.sha256(weights.read_bytes()).hexdigest()[:8]
    good, bad = f"mobilenet_v3_small-{prefix}.pth", "mobilenet_v3_small-00000000.pth"
    weights.rename(served / good)
    (served / bad).write_bytes((served / good).read_bytes())  # the same bytes under a name they do not match
    checkpoints = tmp_path / "hub" / "checkpoints"

    monkeypatch.setattr(features, "_mobilenet_weights", lambda: (f"{address}/{bad}", str(checkpoints / bad)))
    with pytest.raises(FeatureError, match="weights .* are corrupt"):
        extract("mobilenet_v3_small", generated_images(1))
    assert list(checkpoints.iterdir()) == []  # neither the bad file nor a partial one is left

    monkeypatch.setattr(features, "_mobilenet_weights", lambda: (f"{address}/{good}", str(checkpoints / good)))
    vectors = extract("mobilenet_v3_small", generated_images(2))
    assert vectors.shape == (2, 576)
    assert [path.name for path in checkpoints.iterdir()] == [good]
