"""Tests of mlcore.data's datasets: Marcelle files, image folders, course downloads and their cache, `load_dataset`,
and the built-in dataset with its cached copy.

Downloads are tested against a real HTTP server on the loopback interface; nothing here reaches the internet.
The course's own files are read from ../shared/datasets when it is there (a fresh clone has no such folder).
"""

from __future__ import annotations

import http.server
import json
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import cv2
import numpy as np
import pytest

from mlcore.data import builtin_cache
from mlcore.data.builtin import CLASSES as BUILTIN_CLASSES
from mlcore.data.builtin import GENERATOR_VERSION, make_builtin
from mlcore.data.builtin_cache import builtin_cache_path, load_builtin
from mlcore.data.cache import cache_dir
from mlcore.data.course import COURSE_DATASETS, DownloadCancelled, download, ensure_course_dataset
from mlcore.data.datasets import load_dataset
from mlcore.data.folders import load_image_folders
from mlcore.data.marcelle import load_marcelle_pair, parse_marcelle, read_marcelle, save_marcelle
from mlcore.data.samples import Dataset, DatasetError, Sample, encode_thumbnail

SHARED = Path(__file__).resolve().parents[2] / "shared" / "datasets"


def shared_datasets() -> Path:
    if not SHARED.is_dir():
        pytest.skip("no ../shared/datasets (the course's dataset files are not in this checkout)")
    return SHARED


def test_importing_needs_neither_torch_nor_a_display():
    code = (
        "import sys, mlcore.data.datasets, mlcore.data.builtin, mlcore.data.collection, mlcore.data.camera; "
        "print(sorted(m for m in ('torch', 'pygame', 'PIL') if m in sys.modules))"
    )
    environment = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "SDL_VIDEODRIVER")}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[1],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


# --------------------------------------------------------------------------------------------------------------
# Helpers that make small Marcelle files


def picture(colour, size=224, seed=0) -> np.ndarray:
    """An RGB image: a disc of `colour` on grey, with a little noise so that it is not trivially flat."""
    rng = np.random.default_rng(seed)
    image = np.full((size, size, 3), 120, np.uint8)
    cv2.circle(image, (size // 2, size // 2), size // 3, tuple(int(c) for c in colour), -1)
    noise = rng.integers(-6, 7, image.shape)
    return np.clip(image.astype(int) + noise, 0, 255).astype(np.uint8)


def instance(label, number, length=8, **changes) -> dict:
    item = {
        "datasetName": "trainingSet",
        "x": [float(number + i) / 10 for i in range(length)],
        "thumbnail": encode_thumbnail(picture((200, 40 * (number % 5), 30), seed=number)),
        "y": label,
        "createdAt": "2024-04-18T10:00:00.000Z",
        "updatedAt": "2024-04-18T10:00:00.000Z",
        "id": f"id{number:03d}",
    }
    item.update(changes)
    return item


def marcelle(instances) -> dict:
    return {"marcelleMeta": {"type": "dataset"}, "instances": list(instances)}


def small_file(labels=("red", "green", "red", "green"), length=8) -> bytes:
    return json.dumps(marcelle(instance(label, i, length) for i, label in enumerate(labels))).encode()


# --------------------------------------------------------------------------------------------------------------
# The course's files


EXPECTED_COUNTS = {
    "miniROAD": {"train": {"green": 15, "orange": 11, "red": 18}, "test": {"green": 16, "orange": 11, "red": 18}},
    "miniMASK": {"train": {"bad": 15, "good": 15, "none": 15}, "test": {"bad": 15, "good": 15, "none": 15}},
    "miniFRUIT": {"train": {"banane": 15, "pomme": 15}, "test": {"banane": 15, "pomme": 15}},
}


@pytest.mark.parametrize("name", sorted(EXPECTED_COUNTS))
def test_course_files_load_with_their_counts(name):
    folder = shared_datasets()
    data = load_marcelle_pair(folder / f"{name}_train.json", folder / f"{name}_test.json", name)
    assert data.name == name
    assert data.counts() == EXPECTED_COUNTS[name]
    assert data.classes == sorted(EXPECTED_COUNTS[name]["train"])
    assert data.problems == []
    for sample in data.train + data.test:
        assert sample.image.shape == (224, 224, 3) and sample.image.dtype == np.uint8
        assert sample.x.dtype == np.float32 and sample.x.shape == (1024,)
        assert sample.source.endswith(".json")
    ids = [s.id for s in data.train + data.test]
    assert all(ids) and len(set(ids)) == len(ids)
    # Thumbnails are photographs, not blank decodes.
    assert np.mean([s.image.std() for s in data.train]) > 20


def test_course_file_is_found_by_load_dataset_in_a_shared_folder():
    folder = shared_datasets()
    data = load_dataset(folder / "miniROAD")
    assert data.name == "miniROAD" and sum(data.counts()["train"].values()) == 44
    # The folder holds several datasets: the error names them instead of picking one.
    with pytest.raises(DatasetError, match="several datasets.*miniFRUIT.*miniMASK.*miniROAD"):
        load_dataset(folder)


def test_a_truncated_course_file_is_refused_with_a_clear_message(tmp_path):
    folder = shared_datasets()
    data = (folder / "miniFRUIT_train.json").read_bytes()
    cut = tmp_path / "miniFRUIT_train.json"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(DatasetError) as caught:
        read_marcelle(cut)
    message = str(caught.value)
    assert message.startswith("miniFRUIT_train.json: not valid JSON") and "truncated" in message
    assert "\n" not in message


# --------------------------------------------------------------------------------------------------------------
# parse_marcelle


def test_parse_accepts_bytes_text_and_parsed_objects():
    raw = small_file()
    for given in (raw, raw.decode(), json.loads(raw)):
        samples, problems = parse_marcelle(given, "demo.json")
        assert [s.label for s in samples] == ["red", "green", "red", "green"]
        assert [s.id for s in samples] == ["id000", "id001", "id002", "id003"]
        assert problems == []
        np.testing.assert_allclose(samples[1].x, [0.1 * (1 + i) for i in range(8)], rtol=1e-6)


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"", "demo.json: the file is empty"),
        (b"hello, not json", "demo.json: not valid JSON"),
        (b'{"marcelleMeta": {"type": "dataset"}, "instances": [{"x": [1, 2', "truncated"),
        (b"\xff\xfe\x00garbage", "not a JSON file"),
        (b"[1, 2, 3]", "demo.json: not a Marcelle dataset export"),
        (b'{"instances": []}', "not a Marcelle dataset export"),
        (b'{"marcelleMeta": {"type": "dataset"}, "instances": {}}', "not a Marcelle dataset export"),
        (b'{"marcelleMeta": {"type": "model"}, "instances": []}', "a Marcelle 'model' file, not a dataset"),
    ],
)
def test_unusable_files_raise_one_line_errors(content, expected):
    with pytest.raises(DatasetError) as caught:
        parse_marcelle(content, "/some/folder/demo.json")
    assert expected in str(caught.value)
    assert "\n" not in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_a_thumbnail_that_does_not_decode_is_skipped_and_the_rest_kept():
    items = [instance("red", i) for i in range(4)]
    items[1]["thumbnail"] = "data:image/jpeg;base64,AAAAAAAAAAAA"  # valid base64, not an image
    items[2]["thumbnail"] = "not a data url"
    samples, problems = parse_marcelle(marcelle(items), "miniROAD_train.json")
    assert [s.id for s in samples] == ["id000", "id003"]
    assert problems == [
        "miniROAD_train.json: instance 2: thumbnail does not decode, skipped",
        "miniROAD_train.json: instance 3: thumbnail is not a base64 image data URL, skipped",
    ]


def test_instances_without_label_or_with_bad_vectors_are_skipped():
    items = [
        instance("red", 0),
        instance("red", 1, y=None),
        instance("red", 2, y="   "),
        instance("red", 3, x=[1.0, "two", 3.0, 4, 5, 6, 7, 8]),
        instance("red", 4, x=[True] * 8),
        instance("red", 5, x="0.1 0.2"),
        instance("green", 6, x=[[0.5] * 8]),  # a [1, n] tensor: flattened
        instance("green", 7, x=[1, 2, 3, 4, 5, 6, 7, 8]),  # whole numbers are numbers
        "not an object",
        instance("green", 9, x=None),  # no stored features: kept, the image is enough
        instance("green", 10, x=[1e39] + [0.0] * 7),  # beyond float32
        instance("green", 11, x=[10**400] + [0] * 7),  # beyond even a double
        instance(" green ", 12),  # labels are kept exactly as written
    ]
    samples, problems = parse_marcelle(marcelle(items), "f.json")
    assert [s.id for s in samples] == ["id000", "id006", "id007", "id009", "id012"]
    assert samples[-1].label == " green "
    assert samples[1].x.tolist() == [0.5] * 8
    assert samples[2].x.dtype == np.float32 and samples[2].x.tolist() == [1, 2, 3, 4, 5, 6, 7, 8]
    assert samples[3].x is None
    assert problems == [
        "f.json: instance 2: has no label (y), skipped",
        "f.json: instance 3: has no label (y), skipped",
        "f.json: instance 4: x is not a list of numbers, skipped",
        "f.json: instance 5: x is not a list of numbers, skipped",
        "f.json: instance 6: x is not a list of numbers, skipped",
        "f.json: instance 9: not a JSON object, skipped",
        "f.json: instance 11: x has numbers that are infinite, NaN or too large, skipped",
        "f.json: instance 12: x has numbers that are infinite, NaN or too large, skipped",
    ]


def test_vectors_of_an_odd_length_are_skipped():
    items = [instance("red", i, length=8) for i in range(3)] + [instance("green", 3, length=5)]
    samples, problems = parse_marcelle(marcelle(items), "f.json")
    assert len(samples) == 3 and all(len(s.x) == 8 for s in samples)
    assert problems == ["f.json: instance 4: x has 5 numbers where the others have 8, skipped"]


def test_test_vectors_must_match_the_training_length(tmp_path):
    (tmp_path / "d_train.json").write_bytes(small_file(length=8))
    (tmp_path / "d_test.json").write_bytes(small_file(labels=("red", "red", "green"), length=6))
    data = load_marcelle_pair(tmp_path / "d_train.json", tmp_path / "d_test.json", "d")
    assert data.counts() == {"train": {"green": 2, "red": 2}, "test": {"green": 0, "red": 0}}
    assert sum("x has 6 numbers where the others have 8" in p for p in data.problems) == 3
    assert data.problems[-1] == "d: no usable test images, so the model cannot be tested"


def test_labels_only_in_the_test_file_are_reported(tmp_path):
    (tmp_path / "t_train.json").write_bytes(small_file(("red", "red")))
    (tmp_path / "t_test.json").write_bytes(small_file(("red", "blue")))
    data = load_dataset(tmp_path)
    assert data.name == "t"
    assert data.classes == ["blue", "red"]
    assert data.counts() == {"train": {"blue": 0, "red": 2}, "test": {"blue": 1, "red": 1}}
    assert data.problems == ["class 'blue' has no training images"]


def test_a_file_without_any_good_training_instance_is_refused(tmp_path):
    items = [instance("red", 0, thumbnail="data:image/jpeg;base64,AAAA")]
    (tmp_path / "d_train.json").write_text(json.dumps(marcelle(items)))
    (tmp_path / "d_test.json").write_bytes(small_file())
    with pytest.raises(DatasetError, match="d: no usable training images .first problem: d_train.json: instance 1"):
        load_marcelle_pair(tmp_path / "d_train.json", tmp_path / "d_test.json", "d")


# --------------------------------------------------------------------------------------------------------------
# Saving


def test_save_and_read_back_keeps_labels_ids_and_vectors(tmp_path):
    rng = np.random.default_rng(3)
    samples = [
        Sample(image=picture((230, 30, 30), seed=1), label="pommé", x=rng.random(16, dtype=np.float32), id="a1"),
        Sample(image=picture((30, 200, 30), size=100, seed=2), label="banane", x=None, id="folder/b.png"),
        Sample(image=picture((30, 30, 230), seed=3), label="pommé", x=rng.random(16, dtype=np.float32)),
    ]
    path = save_marcelle(samples, tmp_path / "out" / "webcam_train.json", "trainingSet")
    document = json.loads(path.read_text())
    assert document["marcelleMeta"] == {"type": "dataset"}
    assert {i["datasetName"] for i in document["instances"]} == {"trainingSet"}
    assert "x" not in document["instances"][1]
    back, problems = read_marcelle(path)
    assert problems == []
    assert [s.label for s in back] == ["pommé", "banane", "pommé"]
    assert [s.id for s in back[:2]] == ["a1", "folder/b.png"]
    assert len(back[2].id) == 24 and int(back[2].id, 16) >= 0  # a new Marcelle-style id
    np.testing.assert_array_equal(back[0].x, samples[0].x)
    np.testing.assert_array_equal(back[2].x, samples[2].x)
    assert back[1].x is None
    # Pixels come back as JPEG approximations, at the thumbnail size.
    assert back[0].image.shape == (224, 224, 3) and back[1].image.shape == (224, 224, 3)
    assert np.abs(back[0].image.astype(int) - samples[0].image).mean() < 4
    assert sorted(p.name for p in path.parent.iterdir()) == ["webcam_train.json"]  # no temporary file left


def test_encode_thumbnail_makes_a_jpeg_data_url_and_refuses_other_arrays():
    url = encode_thumbnail(picture((10, 20, 30)))
    assert url.startswith("data:image/jpeg;base64,/9j/")  # /9j/ is the base64 of JPEG's magic bytes
    with pytest.raises(ValueError):
        encode_thumbnail(np.zeros((224, 224, 3), np.float32))
    with pytest.raises(ValueError):
        encode_thumbnail(np.zeros((224, 224), np.uint8))


# --------------------------------------------------------------------------------------------------------------
# Image folders


def write_image(path: Path, image: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    assert cv2.imwrite(str(path), cv2.cvtColor(image, cv2.COLOR_RGB2BGR))


def test_image_folders_load_with_problems_for_bad_files_and_empty_classes(tmp_path):
    root = tmp_path / "pets"
    for i in range(3):
        write_image(root / "train" / "cat" / f"{i}.png", picture((250, 10, 10), seed=i))
        write_image(root / "train" / "dog" / f"{i}.jpg", picture((10, 10, 250), size=160, seed=i))
    write_image(root / "test" / "cat" / "a.PNG", picture((250, 10, 10), seed=9))
    write_image(root / "test" / "dog" / "b.jpeg", picture((10, 10, 250), seed=9))
    (root / "train" / "cat" / "broken.png").write_bytes(b"\x89PNG but not really")
    (root / "train" / "cat" / "notes.txt").write_text("ignored: not an image file")
    (root / "train" / "bird").mkdir()
    write_image(root / "train" / "stray.png", picture((0, 0, 0)))

    data = load_image_folders(root, "pets")
    assert data.classes == ["bird", "cat", "dog"]
    assert data.counts() == {"train": {"bird": 0, "cat": 3, "dog": 3}, "test": {"bird": 0, "cat": 1, "dog": 1}}
    assert sorted(data.problems) == sorted(
        [
            "train/cat/broken.png: does not decode as an image, skipped",
            "train/stray.png: not inside a class folder, skipped",
            "class 'bird' has no training images",
            "class 'bird' has no test images",
        ]
    )
    cat = next(s for s in data.train if s.label == "cat")
    assert cat.id == "train/cat/0.png" and cat.source == str(root / "train" / "cat" / "0.png")
    # Colours arrive as RGB (cv2 reads BGR), and every image is 224 x 224.
    assert cat.image[112, 112, 0] > 200 and cat.image[112, 112, 2] < 50
    assert all(s.image.shape == (224, 224, 3) and s.image.dtype == np.uint8 for s in data.train + data.test)
    assert all(s.x is None for s in data.train)

    same = load_dataset(root)
    assert same.name == "pets" and same.counts() == data.counts()


def test_image_folders_need_a_train_folder_and_note_a_missing_test_folder(tmp_path):
    (tmp_path / "test").mkdir()
    with pytest.raises(DatasetError, match="no train/ folder"):
        load_image_folders(tmp_path, "x")
    write_image(tmp_path / "only" / "train" / "a" / "1.png", picture((1, 2, 3)))
    data = load_image_folders(tmp_path / "only", "only")
    assert data.counts() == {"train": {"a": 1}, "test": {"a": 0}}
    assert data.problems == ["only: no test/ folder", "only: no usable test images, so the model cannot be tested"]


# --------------------------------------------------------------------------------------------------------------
# load_dataset and cache_dir


def test_unknown_spec_lists_what_is_accepted(tmp_path):
    with pytest.raises(DatasetError) as caught:
        load_dataset(tmp_path / "nothing-here")
    message = str(caught.value)
    for accepted in COURSE_DATASETS + ["'builtin'", "_train.json", "train/<class>/"]:
        assert accepted in message


def test_cache_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("ML_SKETCHES_CACHE", str(tmp_path / "mine"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "mine"
    monkeypatch.delenv("ML_SKETCHES_CACHE")
    assert cache_dir() == tmp_path / "xdg" / "ml-sketches"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_dir() == tmp_path / "home" / ".cache" / "ml-sketches"


# --------------------------------------------------------------------------------------------------------------
# Downloads, against a loopback server


class Server:
    """A small HTTP server on 127.0.0.1 serving canned answers, recording the paths it was asked for."""

    def __init__(self):
        self.routes: dict[str, tuple[str, bytes]] = {}
        self.requests: list[str] = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                server.requests.append(self.path)
                mode, body = server.routes.get(self.path, ("missing", b""))
                if mode == "missing":
                    self.send_error(404, "Not Found")
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if mode == "drop":  # announce the whole body, send half, hang up
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    running = Server()
    yield running
    running.close()


@pytest.fixture
def cache(monkeypatch, tmp_path) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("ML_SKETCHES_CACHE", str(folder))
    return folder


def test_download_writes_the_file_and_reports_progress(server, tmp_path):
    body = small_file()
    server.routes["/d.json"] = ("ok", body)
    calls = []
    dest = download(server.url("/d.json"), tmp_path / "dl" / "d.json", progress=lambda d, t: calls.append((d, t)))
    assert dest.read_bytes() == body
    assert calls[0] == (0, len(body)) and calls[-1] == (len(body), len(body))
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert os.listdir(tmp_path / "dl") == ["d.json"]


def test_a_dropped_connection_leaves_no_file(server, tmp_path):
    server.routes["/d.json"] = ("drop", small_file())
    with pytest.raises(DatasetError, match="could not download d.json: the connection broke"):
        download(server.url("/d.json"), tmp_path / "dl" / "d.json")
    assert os.listdir(tmp_path) == []  # neither a partial file nor the folder made for it


@pytest.mark.parametrize(
    "body, expected",
    [
        (b"<html>the page you wanted</html>", "did not send a dataset"),
        (json.dumps(marcelle([])).encode(), "holds no usable instance"),
        (
            json.dumps(marcelle([instance("red", 0, thumbnail="data:image/jpeg;base64,AAAA")])).encode(),
            "holds no usable instance",
        ),
    ],
)
def test_an_invalid_download_is_not_written(server, tmp_path, body, expected):
    server.routes["/d.json"] = ("ok", body)
    with pytest.raises(DatasetError, match=expected):
        download(server.url("/d.json"), tmp_path / "dl" / "d.json")
    assert os.listdir(tmp_path) == []


def test_a_missing_file_reports_the_http_status(server, tmp_path):
    with pytest.raises(DatasetError, match="the server answered 404"):
        download(server.url("/nothing.json"), tmp_path / "d.json")
    assert not (tmp_path / "d.json").exists()


def test_no_server_gives_a_clear_error(tmp_path):
    with socket.socket() as probe:  # a port that was free a moment ago, so nothing listens on it
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(DatasetError) as caught:
        download(f"http://127.0.0.1:{port}/miniROAD_train.json", tmp_path / "x.json", timeout=5, what="miniROAD")
    assert str(caught.value).startswith("could not download miniROAD: no network")
    assert os.listdir(tmp_path) == []


def test_cancel_stops_the_download_and_leaves_nothing(server, tmp_path):
    # Noisy thumbnails compress badly, so this file spans many read chunks.
    items = [
        instance(
            "red",
            i,
            thumbnail=encode_thumbnail(np.random.default_rng(i).integers(0, 256, (224, 224, 3), dtype=np.uint8)),
        )
        for i in range(6)
    ]
    body = json.dumps(marcelle(items)).encode()
    assert len(body) > 4 * 64 * 1024
    server.routes["/big.json"] = ("ok", body)
    cancel = threading.Event()
    seen = []

    def progress(done, total):
        seen.append(done)
        if done > 0:
            cancel.set()

    with pytest.raises(DownloadCancelled):
        download(server.url("/big.json"), tmp_path / "big.json", progress=progress, cancel=cancel)
    assert max(seen) < len(body)
    assert os.listdir(tmp_path) == []

    # Cancelled before it starts: the server is not even asked.
    asked = len(server.requests)
    with pytest.raises(DownloadCancelled):
        download(server.url("/big.json"), tmp_path / "big.json", cancel=cancel)
    assert len(server.requests) == asked


def course_routes(server: Server, name="miniROAD", labels=("red", "orange", "green")) -> str:
    server.routes[f"/{name}/{name}_train.json"] = ("ok", small_file(labels * 2))
    server.routes[f"/{name}/{name}_test.json"] = ("ok", small_file(labels))
    return server.url("/{name}/{name}_{split}.json")


def test_course_dataset_is_downloaded_once_then_read_from_the_cache(server, cache):
    base_url = course_routes(server)
    calls = []
    data = load_dataset("miniroad", progress=lambda d, t: calls.append((d, t)), base_url=base_url)
    assert data.name == "miniROAD"
    assert data.counts() == {"train": {"green": 2, "orange": 2, "red": 2}, "test": {"green": 1, "orange": 1, "red": 1}}
    assert server.requests == ["/miniROAD/miniROAD_train.json", "/miniROAD/miniROAD_test.json"]
    assert sorted(os.listdir(cache / "datasets" / "miniROAD")) == ["miniROAD_test.json", "miniROAD_train.json"]
    assert calls and calls[-1][0] == calls[-1][1]

    again = load_dataset("miniROAD", base_url=base_url)
    assert again.counts() == data.counts()
    assert ensure_course_dataset("miniROAD", base_url=base_url)[0] == cache / "datasets/miniROAD/miniROAD_train.json"
    assert len(server.requests) == 2  # the cache answered


def test_only_the_missing_split_is_downloaded(server, cache):
    base_url = course_routes(server, "miniSKIN", ("benign", "malignant"))
    folder = cache / "datasets" / "miniSKIN"
    folder.mkdir(parents=True)
    (folder / "miniSKIN_train.json").write_bytes(small_file(("benign", "malignant")))
    ensure_course_dataset("miniSKIN", base_url=base_url)
    assert server.requests == ["/miniSKIN/miniSKIN_test.json"]


def test_a_failed_download_leaves_the_cache_empty(server, cache):
    base_url = course_routes(server)
    server.routes["/miniROAD/miniROAD_test.json"] = ("drop", small_file())
    with pytest.raises(DatasetError, match=r"could not download miniROAD \(test\): the connection broke"):
        load_dataset("miniROAD", base_url=base_url)
    # The good train split stays; the broken test split left nothing, so the next try fetches only it.
    assert os.listdir(cache / "datasets" / "miniROAD") == ["miniROAD_train.json"]


def test_a_failed_split_is_downloaded_again_next_time(server, cache):
    base_url = course_routes(server)
    good_test = server.routes["/miniROAD/miniROAD_test.json"]
    server.routes["/miniROAD/miniROAD_test.json"] = ("drop", small_file())
    with pytest.raises(DatasetError):
        load_dataset("miniROAD", base_url=base_url)
    server.routes["/miniROAD/miniROAD_test.json"] = good_test
    data = load_dataset("miniROAD", base_url=base_url)
    assert sum(data.counts()["test"].values()) == 3
    assert server.requests == [
        "/miniROAD/miniROAD_train.json",
        "/miniROAD/miniROAD_test.json",
        "/miniROAD/miniROAD_test.json",
    ]


def test_a_failed_first_download_leaves_no_folder_and_is_retried(server, cache):
    base_url = course_routes(server)
    good_train = server.routes["/miniROAD/miniROAD_train.json"]
    for failure in (("drop", small_file()), ("ok", b"<html>busy</html>")):
        server.routes["/miniROAD/miniROAD_train.json"] = failure
        with pytest.raises(DatasetError, match=r"could not download miniROAD \(train\)"):
            load_dataset("miniROAD", base_url=base_url)
        assert not cache.exists()  # the cache folder, datasets/ and miniROAD/ were all made for it, all removed
    server.routes["/miniROAD/miniROAD_train.json"] = good_train
    assert load_dataset("miniROAD", base_url=base_url).name == "miniROAD"
    assert server.requests.count("/miniROAD/miniROAD_train.json") == 3
    assert sorted(os.listdir(cache / "datasets" / "miniROAD")) == ["miniROAD_test.json", "miniROAD_train.json"]


def test_no_network_says_so_in_words_and_how_to_use_the_dataset_offline(cache, monkeypatch):
    import urllib.error
    import urllib.request

    def offline(*args, **kwargs):  # what urllib raises on a computer with no network: the name is not found
        raise urllib.error.URLError(socket.gaierror(-2, "Name or service not known"))

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    with pytest.raises(DatasetError) as caught:
        ensure_course_dataset("miniFRUIT")
    message = str(caught.value)
    assert message.startswith("could not download miniFRUIT (train): no network")
    assert "Errno" not in message and "this computer seems to have no network" in message
    folder = cache / "datasets" / "miniFRUIT"
    assert f"copy miniFRUIT_train.json and miniFRUIT_test.json into {folder}" in message
    assert "--dataset" in message and not folder.exists()


def test_a_failed_download_keeps_folders_that_were_there_before(server, cache):
    (cache / "datasets" / "miniMASK").mkdir(parents=True)
    (cache / "datasets" / "miniMASK" / "miniMASK_train.json").write_bytes(small_file())
    server.routes["/miniROAD/miniROAD_train.json"] = ("drop", small_file())
    with pytest.raises(DatasetError):
        ensure_course_dataset("miniROAD", base_url=server.url("/{name}/{name}_{split}.json"))
    assert os.listdir(cache / "datasets") == ["miniMASK"]


def test_a_cancelled_course_download_leaves_no_folder(server, cache):
    base_url = course_routes(server)
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(DownloadCancelled):
        load_dataset("miniROAD", cancel=cancel, base_url=base_url)
    assert not cache.exists() and server.requests == []


def test_partial_files_of_a_killed_download_are_cleared_on_the_next_one(server, cache):
    folder = cache / "datasets" / "miniROAD"
    folder.mkdir(parents=True)
    stale = folder / ".miniROAD_train.json.k1ll3d.part"
    stale.write_bytes(small_file()[:50])
    os.utime(stale, (1_000_000_000, 1_000_000_000))  # written to long ago: its process is gone
    busy = folder / ".miniROAD_train.json.busy01.part"  # another process writing right now
    busy.write_bytes(b"{")
    ensure_course_dataset("miniROAD", base_url=course_routes(server))
    assert sorted(os.listdir(folder)) == [busy.name, "miniROAD_test.json", "miniROAD_train.json"]


def test_a_corrupt_cached_file_says_how_to_recover(cache):
    folder = cache / "datasets" / "miniFRUIT"
    folder.mkdir(parents=True)
    (folder / "miniFRUIT_train.json").write_bytes(small_file()[:100])
    (folder / "miniFRUIT_test.json").write_bytes(small_file())
    with pytest.raises(DatasetError, match=f"not valid JSON.*delete {folder}"):
        load_dataset("miniFRUIT")


def test_unknown_course_name_is_refused(cache):
    with pytest.raises(DatasetError, match="unknown course dataset 'miniCATS'"):
        ensure_course_dataset("miniCATS")


def test_a_cache_that_cannot_be_created_gives_a_clear_error(server, monkeypatch, tmp_path):
    # A cache path below a regular file cannot be created, even by root.
    blocker = tmp_path / "a-file"
    blocker.write_text("in the way")
    monkeypatch.setenv("ML_SKETCHES_CACHE", str(blocker / "cache"))
    base_url = course_routes(server)
    with pytest.raises(DatasetError) as caught:
        ensure_course_dataset("miniROAD", base_url=base_url)
    message = str(caught.value)
    assert message.startswith(f"cannot write to the dataset cache {blocker / 'cache' / 'datasets' / 'miniROAD'}")
    assert "set ML_SKETCHES_CACHE to a writable folder" in message
    assert server.requests == []  # it failed before downloading anything


def test_a_read_only_cache_gives_a_clear_error(server, cache):
    folder = cache / "datasets" / "miniROAD"
    folder.mkdir(parents=True)
    folder.chmod(0o500)
    try:
        probe = folder / "probe"
        try:
            probe.write_text("")
        except PermissionError:
            pass
        else:
            probe.unlink()
            pytest.skip("no read-only folder for this user (root writes anywhere)")
        with pytest.raises(DatasetError, match="cannot write to the dataset cache .*Permission denied"):
            ensure_course_dataset("miniROAD", base_url=course_routes(server))
    finally:
        folder.chmod(0o700)


# --------------------------------------------------------------------------------------------------------------
# The built-in dataset


@pytest.fixture(scope="module")
def builtin() -> Dataset:
    return make_builtin()


def test_builtin_has_its_classes_counts_and_image_format(builtin):
    assert builtin.name == "builtin" and builtin.problems == []
    assert builtin.classes == sorted(BUILTIN_CLASSES) and len(builtin.classes) >= 3
    assert builtin.counts() == {"train": {c: 30 for c in builtin.classes}, "test": {c: 20 for c in builtin.classes}}
    for sample in builtin.train + builtin.test:
        assert sample.image.shape == (224, 224, 3) and sample.image.dtype == np.uint8
        assert sample.x is None
    ids = [s.id for s in builtin.train + builtin.test]
    assert len(set(ids)) == len(ids)
    # Every picture is its own: no two are the same, and none is flat.
    fingerprints = {s.image.tobytes() for s in builtin.train + builtin.test}
    assert len(fingerprints) == len(ids)
    assert min(s.image.std() for s in builtin.train) > 10


def test_builtin_is_deterministic_and_seeded():
    first = make_builtin(seed=5, per_class_train=3, per_class_test=2)
    second = make_builtin(seed=5, per_class_train=3, per_class_test=2)

    def pixels(data):
        return [s.image.tobytes() for s in data.train + data.test]

    assert pixels(first) == pixels(second)
    other = make_builtin(seed=6, per_class_train=3, per_class_test=2)
    assert all(a.image.tobytes() != b.image.tobytes() for a, b in zip(first.train, other.train))
    # Asking for more images keeps the ones there were.
    more = make_builtin(seed=5, per_class_train=4, per_class_test=2)
    kept = [s for s in more.train if not s.id.endswith("003")]
    assert [s.image.tobytes() for s in kept] == [s.image.tobytes() for s in first.train]


def test_builtin_is_not_solved_by_colour_alone(builtin):
    """A nearest-neighbour on hue-saturation histograms must stay well short of perfect."""

    def features(samples):
        rows = []
        for s in samples:
            hsv = cv2.cvtColor(s.image, cv2.COLOR_RGB2HSV)
            histogram = cv2.calcHist([hsv], [0, 1], None, [18, 8], [0, 180, 0, 256]).ravel()
            rows.append(histogram / histogram.sum())
        return np.array(rows)

    train, test = features(builtin.train), features(builtin.test)
    nearest = ((test[:, None, :] - train[None, :, :]) ** 2).sum(-1).argmin(1)
    predicted = [builtin.train[i].label for i in nearest]
    accuracy = np.mean([p == s.label for p, s in zip(predicted, builtin.test)])
    assert 0.25 <= accuracy < 0.9  # better than nothing for some classes, far from solving it


def test_load_dataset_builtin_generates_once_then_reads_the_cache(cache, monkeypatch):
    data = load_dataset("builtin")
    assert data.name == "builtin" and sum(data.counts()["train"].values()) == 30 * len(data.classes)
    assert data.problems == []
    assert os.listdir(cache / "builtin") == [builtin_cache_path().name]
    monkeypatch.setattr(builtin_cache, "make_builtin", no_generation)
    again = load_dataset("builtin")
    assert fingerprint(again) == fingerprint(data)


# --------------------------------------------------------------------------------------------------------------
# The built-in dataset's copy in the cache (small ones: the caching is the same at any size)

SMALL = {"seed": 3, "per_class_train": 2, "per_class_test": 1}


def no_generation(**arguments):
    raise AssertionError(f"the built-in dataset was generated again ({arguments}) instead of read from the cache")


def fingerprint(data: Dataset) -> list:
    return [(s.id, s.label, s.source, s.image.shape, s.image.tobytes()) for s in data.train + data.test] + [
        data.name,
        data.classes,
        len(data.train),
        len(data.test),
    ]


def test_the_cached_builtin_is_the_generated_one(cache, monkeypatch):
    first = load_builtin(**SMALL)
    path = builtin_cache_path(3, 2, 1)
    assert path.parent == cache / "builtin" and os.listdir(path.parent) == [path.name]
    assert fingerprint(first) == fingerprint(make_builtin(**SMALL))
    monkeypatch.setattr(builtin_cache, "make_builtin", no_generation)
    cached = load_builtin(**SMALL)
    assert fingerprint(cached) == fingerprint(first)
    assert cached.problems == []
    # Other arguments are another dataset, kept in another file.
    monkeypatch.undo()
    monkeypatch.setenv("ML_SKETCHES_CACHE", str(cache))
    load_builtin(seed=4, per_class_train=1, per_class_test=1)
    assert sorted(os.listdir(path.parent)) == sorted([path.name, builtin_cache_path(4, 1, 1).name])


def damage_by_truncating(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def damage_by_flipping_a_pixel_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF  # in the middle of the images
    path.write_bytes(bytes(data))


def damage_by_emptying(path: Path) -> None:
    path.write_bytes(b"")


def damage_by_replacing_with_text(path: Path) -> None:
    path.write_text("not an archive of arrays")


def damage_by_copying_other_arguments(path: Path) -> None:
    path.write_bytes(builtin_cache_path(4, 1, 1).read_bytes())  # a whole, readable file, made otherwise


@pytest.mark.parametrize(
    "damage",
    [
        damage_by_truncating,
        damage_by_flipping_a_pixel_byte,
        damage_by_emptying,
        damage_by_replacing_with_text,
        damage_by_copying_other_arguments,
    ],
)
def test_a_damaged_cached_builtin_is_generated_again(cache, monkeypatch, damage):
    expected = fingerprint(load_builtin(**SMALL))
    load_builtin(seed=4, per_class_train=1, per_class_test=1)
    path = builtin_cache_path(3, 2, 1)
    damage(path)
    generated = []
    real = builtin_cache.make_builtin
    monkeypatch.setattr(builtin_cache, "make_builtin", lambda **kw: generated.append(kw) or real(**kw))
    assert fingerprint(load_builtin(**SMALL)) == expected
    assert generated == [SMALL]
    # The damaged file was replaced by a good one.
    monkeypatch.setattr(builtin_cache, "make_builtin", no_generation)
    assert fingerprint(load_builtin(**SMALL)) == expected


def test_a_builtin_cached_by_an_older_generator_is_generated_again(cache, monkeypatch):
    monkeypatch.setattr(builtin_cache, "GENERATOR_VERSION", GENERATOR_VERSION - 1)
    load_builtin(**SMALL)
    monkeypatch.setattr(builtin_cache, "GENERATOR_VERSION", GENERATOR_VERSION)
    generated = []
    real = builtin_cache.make_builtin
    monkeypatch.setattr(builtin_cache, "make_builtin", lambda **kw: generated.append(kw) or real(**kw))
    load_builtin(**SMALL)
    assert generated == [SMALL]
    with np.load(builtin_cache_path(3, 2, 1)) as stored:
        assert int(stored["version"]) == GENERATOR_VERSION


def test_builtin_works_when_the_cache_cannot_be_made(monkeypatch, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("in the way")  # a folder below a regular file cannot be made, even by root
    monkeypatch.setenv("ML_SKETCHES_CACHE", str(blocker / "cache"))
    data = load_builtin(**SMALL)
    assert fingerprint(data) == fingerprint(make_builtin(**SMALL))
    assert len(data.problems) == 1
    assert data.problems[0].startswith(f"builtin: cannot keep the generated images in the cache {blocker}")
    assert data.problems[0].endswith("so they will be generated again next time")


def test_builtin_works_when_the_cache_is_full(cache, monkeypatch):
    real_write = builtin_cache.write_atomically

    def full_disk(path, content):
        def write_some_then_fail(file):
            file.write(b"PK" + bytes(1000))
            raise OSError(28, "No space left on device")

        real_write(path, write_some_then_fail)

    monkeypatch.setattr(builtin_cache, "write_atomically", full_disk)
    data = load_builtin(**SMALL)
    assert fingerprint(data) == fingerprint(make_builtin(**SMALL))
    assert "No space left on device" in data.problems[0]
    assert not cache.exists()  # no partial file, and no empty folder made for it
