"""Tests of mlcore.data.camera (webcam, video file, image folder feeds) and mlcore.data.collection (recorded classes).

No webcam is needed: videos and image folders are generated in tmp_path, and a webcam that stops half way is a
stand-in capture object. Nothing asserts on timing; waits poll with a generous deadline.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from mlcore.data import camera as camera_module
from mlcore.data.camera import Camera, no_camera_message, parse_source
from mlcore.data.collection import Collection, CollectionError, check_class_name, square_image
from mlcore.data.datasets import load_dataset
from mlcore.data.samples import IMAGE_SIZE

RED, BLUE = (220, 30, 30), (30, 30, 220)  # RGB


def wait_until(condition, deadline=15.0):
    """Poll `condition` until it holds; False when the deadline passes first."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


def scene(colour, index, size=(96, 128)):
    """A frame with a coloured disc on grey, moved a little per index so that frames differ."""
    image = np.full((*size, 3), 120, np.uint8)
    cv2.circle(image, (40 + 2 * index, size[0] // 2), 25, colour, -1)
    return image


@pytest.fixture
def video(tmp_path):
    """30 frames: 15 with a red disc, then 15 with a blue one (MJPG .avi)."""
    path = tmp_path / "clip.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 60, (128, 96))
    assert writer.isOpened()
    for index in range(30):
        writer.write(cv2.cvtColor(scene(RED if index < 15 else BLUE, index), cv2.COLOR_RGB2BGR))
    writer.release()
    return path


def write_folder(folder, count=10):
    """Images img_00.png, img_01.png, ... filled with 10, 30, 50, ... so that their order can be read back."""
    folder.mkdir(parents=True, exist_ok=True)
    for index in range(count):
        cv2.imwrite(str(folder / f"img_{index:02d}.png"), np.full((40, 60, 3), 10 + 20 * index, np.uint8))
    return folder


def watch(camera, deadline=15.0):
    """Poll latest() until the camera leaves starting/running; the (frame, count) pairs seen, in order."""
    seen = []
    end = time.monotonic() + deadline
    while camera.status in ("starting", "running") and time.monotonic() < end:
        frame, count = camera.latest()
        if frame is not None and (not seen or count != seen[-1][1]):
            seen.append((frame, count))
        time.sleep(0.005)
    frame, count = camera.latest()
    if frame is not None and (not seen or count != seen[-1][1]):
        seen.append((frame, count))
    return seen


# ----------------------------------------------------------------------------------------------------------------
# Camera


def test_parse_source_reads_digits_as_a_webcam_and_anything_else_as_a_path():
    assert parse_source("0") == 0
    assert parse_source(" 2 ") == 2
    assert parse_source(1) == 1
    assert parse_source("clips/fruit.avi") == Path("clips/fruit.avi")
    assert parse_source("./0") == Path("0")


def test_a_video_plays_every_frame_in_order_then_ends(video):
    camera = Camera(video, fps=60)
    assert camera.status == "idle" and camera.latest() == (None, 0)
    camera.start()
    seen = watch(camera)
    assert camera.status == "ended", camera.error
    assert camera.error == ""
    assert "end of clip.avi" in camera.message
    counts = [count for _, count in seen]
    assert counts == sorted(set(counts)) and counts[-1] == 30
    assert len(counts) > 1  # the counter moved while the test watched, not only at the end
    for frame, count in seen:
        assert frame.dtype == np.uint8 and frame.shape == (96, 128, 3)
        # Frame number `count` has its disc where it was drawn, red in the first half and blue after (RGB order).
        red, _, blue = frame[48, 40 + 2 * (count - 1)].tolist()
        assert (red > 150 and blue < 100) if count <= 15 else (blue > 150 and red < 100), (count, red, blue)
    assert camera.measured_fps > 0
    camera.stop()
    assert camera.status == "ended"  # stopping after the end keeps the reason


def test_a_looping_video_starts_again_at_its_end(video):
    with Camera(video, fps=200, loop=True) as camera:
        assert wait_until(lambda: camera.frame_count > 45)
        assert camera.status == "running"
    assert camera.status == "stopped"
    stopped_at = camera.frame_count
    time.sleep(0.1)
    assert camera.frame_count == stopped_at
    assert camera.latest()[0] is not None  # the last frame stays available


def test_a_video_plays_at_its_own_frame_rate_and_a_folder_at_the_fixed_one(tmp_path):
    from mlcore.image_app.camera.feed import CAMERA_FPS, CameraFeed

    clip = tmp_path / "slow.avi"
    writer = cv2.VideoWriter(str(clip), cv2.VideoWriter_fourcc(*"MJPG"), 15, (64, 48))
    for index in range(40):
        writer.write(cv2.cvtColor(scene(RED, index, (48, 64)), cv2.COLOR_RGB2BGR))
    writer.release()
    for source, wanted in ((clip, 15), (write_folder(tmp_path / "frames"), CAMERA_FPS)):
        feed = CameraFeed(source)  # as the sketch opens it: a camera made with fps=CAMERA_FPS
        camera = feed.open(loop=True)
        try:
            assert wait_until(lambda: camera.frame_count >= 32), camera.error
            assert wanted * 0.8 <= camera.measured_fps <= wanted * 1.1, (source.name, camera.measured_fps)
        finally:
            feed.close()


def test_a_folder_is_read_in_sorted_order(tmp_path):
    folder = write_folder(tmp_path / "frames")
    camera = Camera(str(folder), fps=60).start()
    seen = watch(camera)
    assert camera.status == "ended", camera.error
    values = [int(frame[0, 0, 0]) for frame, _ in seen]
    assert values == sorted(values) and values[-1] == 10 + 20 * 9
    assert all(int(frame[0, 0, 0]) == 10 + 20 * (count - 1) for frame, count in seen)
    assert seen[-1][1] == 10
    assert camera.problems == []


def test_a_corrupt_image_in_a_folder_is_skipped_with_a_message(tmp_path):
    folder = write_folder(tmp_path / "frames", count=6)
    (folder / "img_03.png").write_bytes(b"not a png at all")
    (folder / "notes.txt").write_text("ignored: not an image")
    camera = Camera(folder, fps=100).start()
    seen = watch(camera)
    assert camera.status == "ended", camera.error
    assert seen[-1][1] == 5
    assert 10 + 20 * 3 not in [int(frame[0, 0, 0]) for frame, _ in seen]
    assert len(camera.problems) == 1 and "img_03.png" in camera.problems[0] and "skipped" in camera.problems[0]


def test_a_looping_folder_skips_its_corrupt_image_once(tmp_path):
    folder = write_folder(tmp_path / "frames", count=3)
    (folder / "img_01.png").write_bytes(b"\x89PNG broken")
    with Camera(folder, fps=300, loop=True) as camera:
        assert wait_until(lambda: camera.frame_count >= 8)
    assert len(camera.problems) == 1


@pytest.mark.parametrize("content, why", [(None, "no images"), (b"garbage", "none of its images")])
def test_a_folder_without_a_readable_image_fails(tmp_path, content, why):
    folder = tmp_path / "frames"
    folder.mkdir()
    if content is not None:
        (folder / "a.png").write_bytes(content)
        (folder / "b.jpg").write_bytes(content)
    camera = Camera(folder).start()
    assert wait_until(lambda: camera.status == "failed")
    assert why in camera.error and "\n" not in camera.error
    assert camera.latest() == (None, 0)


def test_a_missing_webcam_fails_with_a_message_a_student_can_act_on():
    camera = Camera(7).start()
    assert wait_until(lambda: camera.status == "failed")
    assert camera.error == (
        "no camera 7: check that a webcam is plugged in, or use --camera PATH to read a video or a folder of images"
    )
    assert camera.error == no_camera_message(7) == camera.message


def test_opencv_says_nothing_about_a_missing_webcam(tmp_path):
    code = textwrap.dedent("""
        import time
        from mlcore.data.camera import Camera
        camera = Camera(7).start()
        while camera.status != "failed":
            time.sleep(0.01)
        print(camera.status)
    """)
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[1],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "failed"
    assert "WARN" not in result.stderr and "VIDEOIO" not in result.stderr, result.stderr


def test_a_missing_path_and_a_file_that_is_not_a_video_fail(tmp_path):
    missing = Camera(tmp_path / "nowhere.avi").start()
    assert wait_until(lambda: missing.status == "failed")
    assert "nowhere.avi: no such file or folder" in missing.error

    text = tmp_path / "notes.avi"
    text.write_text("this is not a video")
    not_video = Camera(text).start()
    assert wait_until(lambda: not_video.status == "failed")
    assert "notes.avi" in not_video.error and "\n" not in not_video.error


class FakeWebcam:
    """Stands in for cv2.VideoCapture: `frames` good reads, then reads that fail (or raise) forever."""

    def __init__(self, frames, raises=False):
        self.frames = frames
        self.raises = raises
        self.reads = 0
        self.released = False

    def isOpened(self):
        return True

    def read(self):
        self.reads += 1
        if self.reads <= self.frames:
            return True, np.full((48, 64, 3), self.reads, np.uint8)
        if self.raises:
            raise RuntimeError("device unplugged")
        return False, None

    def release(self):
        self.released = True


def test_a_webcam_that_stops_mid_way_fails_and_keeps_the_frames_it_gave(monkeypatch):
    webcam = FakeWebcam(frames=5)
    monkeypatch.setattr(camera_module, "_open_capture", lambda source: webcam)
    monkeypatch.setattr(camera_module, "STALL_SECONDS", 0.2)
    camera = Camera(3).start()
    assert wait_until(lambda: camera.status == "failed")
    assert camera.error == "camera stopped sending frames"
    frame, count = camera.latest()
    assert count == 5 and frame.shape == (48, 64, 3) and (frame == 5).all()  # BGR 5,5,5 is RGB 5,5,5
    assert webcam.released


def test_a_webcam_that_never_sends_a_frame_says_so(monkeypatch):
    monkeypatch.setattr(camera_module, "_open_capture", lambda source: FakeWebcam(frames=0))
    monkeypatch.setattr(camera_module, "STALL_SECONDS", 0.2)
    camera = Camera(0).start()
    assert wait_until(lambda: camera.status == "failed")
    assert camera.error.startswith("camera 0 opened but sends no frames")


class StuckWebcam(FakeWebcam):
    """A webcam whose read hangs until `release` is set, as a slow device does."""

    def __init__(self):
        super().__init__(frames=1)
        self.release_read = threading.Event()
        self.reading = threading.Event()

    def read(self):
        self.reading.set()
        self.release_read.wait()
        return super().read()


def test_latest_answers_while_the_camera_thread_is_stuck_in_a_read(monkeypatch):
    webcam = StuckWebcam()
    monkeypatch.setattr(camera_module, "_open_capture", lambda source: webcam)
    camera = Camera(0).start()
    assert webcam.reading.wait(10)
    assert camera.latest() == (None, 0) and camera.status == "starting"
    webcam.release_read.set()
    assert wait_until(lambda: camera.frame_count >= 1)
    assert camera.status == "running"
    camera.stop()
    assert camera.status == "stopped"


def test_an_error_inside_the_thread_becomes_a_failed_status(monkeypatch):
    monkeypatch.setattr(camera_module, "_open_capture", lambda source: FakeWebcam(frames=2, raises=True))
    camera = Camera(1).start()
    assert wait_until(lambda: camera.status == "failed")
    assert "device unplugged" in camera.error and "\n" not in camera.error
    assert camera.frame_count == 2


# ----------------------------------------------------------------------------------------------------------------
# Collection: classes and records


def frame_for(index, colour=RED, size=(120, 160)):
    """A smooth, distinct frame per index (JPEG keeps such images close to the original)."""
    image = np.zeros((*size, 3), np.uint8)
    image[:] = np.linspace(40, 200, size[1], dtype=np.uint8)[None, :, None]
    cv2.circle(image, (30 + 7 * index, size[0] // 2), 22, colour, -1)
    return image


@pytest.mark.parametrize(
    "name, why",
    [
        ("", "needs a name"),
        ("   ", "needs a name"),
        (None, "needs a name"),
        ("a/b", "'/'"),
        ("back\\slash", "'\\\\'"),
        (".hidden", "dot"),
        ("tab\there", "control character"),
        ("CON", "Windows"),
        ("x" * 65, "too long"),
    ],
)
def test_bad_class_names_are_refused_with_a_reason(name, why):
    with pytest.raises(CollectionError) as caught:
        check_class_name(name)
    assert why in str(caught.value)


def test_classes_are_added_renamed_and_deleted():
    collection = Collection()
    assert collection.add_class("  thumbs up ") == "thumbs up"
    collection.add_class("fist")
    with pytest.raises(CollectionError, match="already a class called 'fist'"):
        collection.add_class("Fist")  # one folder on Windows and macOS
    with pytest.raises(CollectionError, match="no class called 'palm'"):
        collection.record("palm", frame_for(0))
    collection.record("fist", frame_for(0))
    collection.record("fist", frame_for(1))
    collection.record("thumbs up", frame_for(2))
    assert collection.counts() == {"thumbs up": 1, "fist": 2}

    with pytest.raises(CollectionError, match="already a class called 'fist'"):
        collection.rename_class("thumbs up", "fist")
    with pytest.raises(CollectionError, match="no class called"):
        collection.rename_class("palm", "open hand")
    collection.rename_class("fist", "Fist")  # a change of case only is allowed
    collection.rename_class("Fist", "closed hand")
    assert collection.classes == ["thumbs up", "closed hand"]
    assert collection.counts() == {"thumbs up": 1, "closed hand": 2}
    assert [s.label for s in collection.samples] == ["closed hand", "closed hand", "thumbs up"]

    collection.delete_class("closed hand")
    assert collection.classes == ["thumbs up"] and len(collection) == 1
    with pytest.raises(CollectionError):
        collection.delete_class("closed hand")


def test_a_recorded_frame_is_the_centre_square_at_224():
    frame = np.zeros((100, 200, 3), np.uint8)
    frame[:, :50] = RED
    frame[:, 50:150] = (0, 200, 0)
    frame[:, 150:] = BLUE
    collection = Collection()
    collection.add_class("green")
    sample = collection.record("green", frame)
    assert sample.image.shape == (IMAGE_SIZE, IMAGE_SIZE, 3) and sample.image.dtype == np.uint8
    assert (sample.image == (0, 200, 0)).all()
    assert sample.id and sample.label == "green"
    assert sample.id in collection.recorded_at

    exact = np.random.default_rng(0).integers(0, 256, (IMAGE_SIZE, IMAGE_SIZE, 3), dtype=np.uint8)
    kept = collection.record("green", exact)
    exact[:] = 0  # a camera reusing its buffer must not change what was recorded
    assert kept.image.any()
    assert square_image(np.zeros((10, 10), np.uint8)).shape == (IMAGE_SIZE, IMAGE_SIZE, 3)
    with pytest.raises(ValueError):
        collection.record("green", np.zeros((10, 10, 3), np.float32))


def test_ids_are_unique_and_sort_in_recording_order():
    collection = Collection()
    collection.add_class("a")
    ids = [collection.record("a", frame_for(i % 5)).id for i in range(40)]
    assert len(set(ids)) == 40
    assert ids == sorted(ids)


def filled(counts):
    collection = Collection(name="gestures")
    for label, count in counts.items():
        collection.add_class(label)
        for index in range(count):
            collection.record(label, frame_for(index))
    return collection


def test_split_is_stratified_deterministic_and_tests_every_class_it_can():
    collection = filled({"a": 10, "b": 5, "c": 2, "d": 1, "e": 0})
    dataset = collection.split()
    counts = dataset.counts()
    assert dataset.name == "gestures"
    assert dataset.classes == ["a", "b", "c", "d"]
    assert counts["train"] == {"a": 8, "b": 4, "c": 1, "d": 1}
    assert counts["test"] == {"a": 2, "b": 1, "c": 1, "d": 0}
    assert any("'e'" in line and "no images" in line for line in dataset.problems)
    assert any("'d'" in line and "cannot be tested" in line for line in dataset.problems)

    again = collection.split()
    assert [s.id for s in again.test] == [s.id for s in dataset.test]
    assert [s.id for s in again.train] == [s.id for s in dataset.train]
    assert {s.id for s in dataset.train}.isdisjoint(s.id for s in dataset.test)
    assert len(dataset.train) + len(dataset.test) == len(collection)

    # The split follows the ids, not the order the images are held in.
    reopened = Collection(name="gestures")
    for label in collection.classes:
        reopened.add_class(label)
    reopened._samples = list(reversed(collection.samples))
    assert sorted(s.id for s in reopened.split().test) == sorted(s.id for s in dataset.test)

    other_seeds = [sorted(s.id for s in collection.split(seed=seed).test) for seed in range(1, 6)]
    assert any(ids != sorted(s.id for s in dataset.test) for ids in other_seeds)
    assert collection.split(test_fraction=0).counts()["test"] == {"a": 0, "b": 0, "c": 0, "d": 0}


def test_split_of_an_empty_collection_asks_for_images():
    collection = Collection()
    collection.add_class("a")
    with pytest.raises(CollectionError, match="record some images"):
        collection.split()


# ----------------------------------------------------------------------------------------------------------------
# Collection: autosave and reopening


def test_recordings_are_saved_as_they_arrive_and_open_again(tmp_path):
    folder = tmp_path / "my_gestures"
    collection = Collection(folder=folder)
    assert collection.name == "my_gestures"
    collection.add_class("wave")
    collection.add_class("fist")
    collection.add_class("empty")
    recorded = [collection.record("wave", frame_for(i)) for i in range(3)]
    recorded += [collection.record("fist", frame_for(i, BLUE)) for i in range(2)]
    assert collection.flush()
    assert collection.unsaved == 0 and collection.save_error == ""
    for sample in recorded:
        assert (folder / sample.label / f"{sample.id}.png").is_file()
    assert not list(folder.rglob("*.part"))

    reopened = Collection.open(folder)
    assert reopened.classes == ["wave", "fist", "empty"]  # the order they were added, empty class included
    assert [s.id for s in reopened.samples] == [s.id for s in recorded]
    for before, after in zip(recorded, reopened.samples):
        assert after.label == before.label
        assert np.array_equal(after.image, before.image)  # PNG is exact
    assert reopened.problems == []


def test_renaming_and_deleting_a_class_changes_the_folder(tmp_path):
    folder = tmp_path / "c"
    collection = Collection(folder=folder)
    collection.add_class("cat")
    collection.add_class("dog")
    cats = [collection.record("cat", frame_for(i)) for i in range(3)]
    collection.record("dog", frame_for(4))
    assert collection.flush()
    collection.rename_class("cat", "kitten")
    collection.delete_class("dog")
    extra = collection.record("kitten", frame_for(5))
    collection.remove(cats[0].id)
    assert collection.flush()
    assert sorted(p.name for p in folder.iterdir() if p.is_dir()) == ["kitten"]
    assert sorted(p.stem for p in (folder / "kitten").glob("*.png")) == sorted([cats[1].id, cats[2].id, extra.id])

    reopened = Collection.open(folder)
    assert reopened.classes == ["kitten"]
    assert reopened.counts() == {"kitten": 3}


def test_a_crash_loses_at_most_the_last_moment(tmp_path):
    # The writer saves on its own, with no flush or close: once it says the first 5 frames are saved, a crash
    # keeps them. A 6th frame recorded just before the crash is either whole on disk or not there at all.
    folder = tmp_path / "crash"
    code = textwrap.dedent(f"""
        import os, time
        import numpy as np
        from mlcore.data.collection import Collection
        collection = Collection(folder={str(folder)!r})
        collection.add_class("a")
        for index in range(5):
            collection.record("a", np.full((60, 80, 3), 40 * index, np.uint8))
        deadline = time.monotonic() + 30   # a busy disk may take seconds to sync 5 files
        while collection.unsaved and time.monotonic() < deadline:
            time.sleep(0.01)
        print("unsaved before the crash:", collection.unsaved, flush=True)
        collection.record("a", np.full((60, 80, 3), 250, np.uint8))
        os._exit(3)   # no flush, no close: as if the program crashed
    """)
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[1],
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert result.returncode == 3, result.stderr
    assert "unsaved before the crash: 0" in result.stdout
    reopened = Collection.open(folder)
    assert reopened.problems == []  # no half-written image
    assert reopened.counts()["a"] in (5, 6)
    assert [int(sample.image[0, 0, 0]) for sample in reopened.samples[:5]] == [0, 40, 80, 120, 160]


def test_a_folder_that_cannot_be_written_keeps_the_frames_in_memory(tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("a regular file: nothing can be made inside it, even by root")
    collection = Collection(folder=blocker / "collection")
    collection.add_class("a")
    collection.add_class("b")
    for index in range(3):
        collection.record("a", frame_for(index))
        collection.record("b", frame_for(index, BLUE))
    assert collection.flush() is False
    assert collection.save_error.startswith(
        f"cannot write to {blocker / 'collection'} (a file is in the way): 6 images"
    )
    assert "6 images kept in memory only" in collection.save_error
    assert "\n" not in collection.save_error
    assert collection.unsaved == 6 and len(collection) == 6
    assert collection.split().counts()["train"] == {"a": 2, "b": 2}
    with pytest.raises(CollectionError, match="cannot write"):
        collection.save_image_folders(blocker / "export")
    with pytest.raises(CollectionError, match="cannot write"):
        collection.save_marcelle(blocker / "export" / "mine")


def test_autosave_catches_up_once_the_folder_can_be_written(tmp_path):
    blocker = tmp_path / "later"
    blocker.write_text("in the way for now")
    collection = Collection(folder=blocker)
    collection.add_class("a")
    collection.record("a", frame_for(0))
    assert collection.flush() is False and collection.unsaved == 1
    blocker.unlink()
    collection.record("a", frame_for(1))
    assert collection.flush() and collection.save_error == ""
    assert collection.unsaved == 0
    assert Collection.open(blocker).counts() == {"a": 2}


def test_a_folder_of_class_folders_filled_by_hand_opens(tmp_path):
    folder = tmp_path / "by_hand"
    (folder / "apple").mkdir(parents=True)
    (folder / "pear").mkdir()
    cv2.imwrite(str(folder / "apple" / "one.jpg"), np.full((50, 50, 3), 90, np.uint8))
    cv2.imwrite(str(folder / "apple" / "one.png"), np.full((50, 50, 3), 91, np.uint8))
    cv2.imwrite(str(folder / "pear" / "two.png"), np.full((300, 200, 3), 92, np.uint8))
    (folder / "pear" / "broken.png").write_bytes(b"nope")
    collection = Collection.open(folder)
    assert collection.classes == ["apple", "pear"]
    assert collection.counts() == {"apple": 2, "pear": 1}
    assert sorted(s.id for s in collection.samples) == ["one.jpg", "one.png", "two"]
    assert all(s.image.shape == (IMAGE_SIZE, IMAGE_SIZE, 3) for s in collection.samples)
    assert collection.problems == ["pear/broken.png: does not decode as an image, skipped"]
    with pytest.raises(CollectionError, match="no such folder"):
        Collection.open(tmp_path / "absent")


# ----------------------------------------------------------------------------------------------------------------
# Collection: exports that load back with load_dataset


def test_marcelle_export_loads_back_with_the_same_labels_ids_and_images(tmp_path):
    collection = filled({"red thing": 6, "blue thing": 4})
    collection.rename_class("blue thing", "blue thing")  # unchanged: renaming to itself is harmless
    train_path, test_path = collection.save_marcelle(tmp_path / "out" / "gestures")
    assert (train_path.name, test_path.name) == ("gestures_train.json", "gestures_test.json")
    expected = collection.split()
    loaded = load_dataset(tmp_path / "out")
    assert loaded.classes == expected.classes == ["blue thing", "red thing"]
    for split in ("train", "test"):
        before, after = getattr(expected, split), getattr(loaded, split)
        assert [(s.id, s.label) for s in after] == [(s.id, s.label) for s in before]
        for old, new in zip(before, after):
            assert new.x is None
            assert np.abs(old.image.astype(int) - new.image.astype(int)).mean() < 3  # JPEG thumbnails

    # An existing folder as the prefix writes <folder>/<collection name>_*.json.
    again = collection.save_marcelle(tmp_path / "out")
    assert again == (train_path, test_path)


def test_marcelle_export_carries_feature_vectors_when_given(tmp_path):
    collection = filled({"a": 3, "b": 3})
    rng = np.random.default_rng(1)
    vectors = {s.id: rng.normal(size=16).astype(np.float32) for s in collection.samples}
    collection.save_marcelle(tmp_path / "gestures", vectors=vectors)
    loaded = load_dataset(tmp_path / "gestures")
    for sample in loaded.train + loaded.test:
        assert np.array_equal(sample.x, vectors[sample.id])
    with pytest.raises(ValueError, match="different lengths"):
        collection.save_marcelle(tmp_path / "bad", vectors={**vectors, "odd": np.zeros(3)})


def test_image_folder_export_loads_back_exactly(tmp_path):
    collection = filled({"wave": 5, "fist": 3})
    root = collection.save_image_folders(tmp_path / "export")
    expected = collection.split()
    loaded = load_dataset(root)
    assert loaded.classes == expected.classes
    for split in ("train", "test"):
        before = {s.id: s for s in getattr(expected, split)}
        after = getattr(loaded, split)
        assert sorted(Path(s.id).stem for s in after) == sorted(before)
        for sample in after:
            original = before[Path(sample.id).stem]
            assert sample.id == f"{split}/{original.label}/{original.id}.png"
            assert sample.label == original.label
            assert np.array_equal(sample.image, original.image)

    with pytest.raises(CollectionError, match="already holds files"):
        collection.save_image_folders(root)
    collection.delete_class("fist")
    collection.save_image_folders(root, overwrite=True)
    assert load_dataset(root).classes == ["wave"]


def test_image_folders_are_not_written_inside_the_autosave_folder(tmp_path):
    collection = Collection(folder=tmp_path / "mine")
    collection.add_class("a")
    collection.record("a", frame_for(0))
    with pytest.raises(CollectionError, match="inside the collection's own folder"):
        collection.save_image_folders(tmp_path / "mine" / "export")
    assert collection.close()


def test_a_name_given_on_opening_replaces_the_saved_one(tmp_path):
    first = Collection(folder=tmp_path / "folder")
    first.add_class("a")
    assert first.close() and first.name == "folder"
    assert Collection.open(tmp_path / "folder").name == "folder"
    renamed = Collection(name="gestures", folder=tmp_path / "folder")
    assert renamed.flush()
    assert Collection.open(tmp_path / "folder").name == "gestures"
    assert Collection.open(tmp_path / "folder").classes == ["a"]
