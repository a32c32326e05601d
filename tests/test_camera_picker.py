"""The New dataset view's camera picker: the webcams found, a video or a folder chosen in the window, and how a
video or a folder plays while recording (on and on, from its first frame at each press of R).

No webcam is needed. Videos and folders are generated with each frame's number written in its grey level, so that
the recorded images (autosaved as PNG files, in recording order) tell which frame each one was. Where the test
needs webcams, a small start-up file replaces the probe's answer with a list, then runs the sketch as usual.
"""

import re
from pathlib import Path

import cv2
import numpy as np
import pygame

from driver import click, key, run_sketch
from mlcore.data.camera_probe import CameraProbe, FoundCamera, listed_cameras, opened_cameras
from mlcore.image_app.camera.picker import NO_CAMERA_LINE
from mlcore.widgets import ui
from sketches.image_classifier import app as LAYOUT  # only its geometry is used here: it never runs in-process
from test_webcam import env_for, hold, new_class, typed, wait

VIEW = LAYOUT.collector
PICKER = VIEW.picker
NO_WEBCAM = "7"  # a device that is not there: the view opens with a failed camera, as on a computer without one


def grey_clip(path, frames=24):
    """A video whose frame i is a flat grey of 20 + 9 i."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 30, (64, 48))
    assert writer.isOpened()
    for index in range(frames):
        writer.write(np.full((48, 64, 3), 20 + 9 * index, np.uint8))
    writer.release()
    return path


def grey_folder(folder, count=90):
    """Images frame_000.png… whose image i is a flat grey of 40 + i."""
    folder.mkdir(parents=True)
    for index in range(count):
        cv2.imwrite(str(folder / f"frame_{index:03d}.png"), np.full((24, 32, 3), 40 + index, np.uint8))
    return folder


def recorded_levels(collection, name):
    """The grey level of every image recorded for class `name`, in the order they were recorded."""
    files = sorted((Path(collection) / name).glob("*.png"))  # named by their id, which sorts in recording order
    return [float(cv2.imread(str(file)).mean()) for file in files]


def with_cameras(folder, cameras):
    """A start-up file that runs the sketch with the probe finding `cameras` ((index, name) pairs)."""
    path = Path(folder) / "with_cameras.py"
    path.write_text(
        "import runpy\n"
        "from mlcore.data import camera_probe\n"
        f"found = [camera_probe.FoundCamera(index, name) for index, name in {list(cameras)!r}]\n"
        "camera_probe.find_cameras = lambda: found\n"
        "runpy.run_module('sketches.image_classifier', run_name='__main__', alter_sys=True)\n"
    )
    return path


def drop(path):
    return [{"type": "drop_file", "path": str(path), "after": 2}]


def choose_path(path):
    """Video or folder…, the path typed, Enter: as a person does it."""
    return click(*PICKER.button_center("file")) + typed(str(path)) + key("return")


# ------------------------------------------------------------------------------------------------ in the window


def test_a_video_chosen_in_the_window_loops_while_r_is_held(tmp_path):
    clip = grey_clip(tmp_path / "clip.avi")  # 24 frames: under a second at 30 frames a second
    collection = tmp_path / "mine"
    actions = (
        wait({"camera.status": "failed"}, timeout_s=30)
        + choose_path(clip)
        + wait({"camera.status": "running"}, timeout_s=30)
        + new_class("a")
        + hold("r", 300)
        + wait({"idle": True})
    )  # 300 frames: five seconds or more, several passes
    run = run_sketch(
        "image_classifier",
        actions,
        tmp_path / "run",
        "--camera",
        NO_WEBCAM,
        "--collection",
        collection,
        env=env_for(tmp_path),
    )
    assert run.returncode == 0, run.output
    state = run.state
    assert state["camera"]["source"] == str(clip) and state["camera"]["error"] == ""
    assert "camera: clip.avi (a video played as the camera)" in state["messages"]
    assert not [m for m in state["messages"] if "end of clip.avi" in m or "recording stopped" in m]
    frames = [round((level - 20) / 9) for level in recorded_levels(collection, "a")]
    assert len(frames) == state["collection"]["counts"]["a"]
    # One pass of 24 frames lasts 0.8 s, 6 or 7 pictures at 8 a second: many more means the video went on.
    assert len(frames) >= 14, frames
    wraps = sum(1 for before, after in zip(frames, frames[1:]) if after < before)
    assert wraps >= 2, frames  # it started again at its first frame, more than once
    assert all(0 <= frame < 24 for frame in frames), frames
    assert frames[0] <= 6, frames  # R started the video again at its first frame


def test_a_dropped_folder_loops_and_each_press_of_r_starts_it_at_its_first_image(tmp_path):
    folder = grey_folder(tmp_path / "frames")  # 90 images: three seconds a pass
    collection = tmp_path / "mine"
    actions = (
        wait({"camera.status": "failed"}, timeout_s=30)
        + drop(folder)
        + wait({"camera.status": "running"}, timeout_s=30)
        + new_class("a")
        + hold("r", 300)
        + new_class("b")
        + hold("r", 40)
        + new_class("c")
        + hold("r", 40)
        + wait({"idle": True})
    )
    run = run_sketch(
        "image_classifier",
        actions,
        tmp_path / "run",
        "--camera",
        NO_WEBCAM,
        "--collection",
        collection,
        env=env_for(tmp_path),
    )
    assert run.returncode == 0, run.output
    state = run.state
    assert state["camera"]["source"] == str(folder) and state["camera"]["error"] == ""
    images = {name: [round(level) - 40 for level in recorded_levels(collection, name)] for name in "abc"}
    assert {name: len(found) for name, found in images.items()} == state["collection"]["counts"]
    a = images["a"]
    assert any(after < before for before, after in zip(a, a[1:])), a  # past its last image, the folder went on
    assert all(0 <= image < 90 for image in a)
    # Between two recordings the folder plays on; each press of R starts it again at its first image.
    for name, found in images.items():
        assert found and found[0] <= 15, (name, found)
    assert not [m for m in state["problem_messages"] if "recording stopped" in m]


def test_the_picker_lists_the_cameras_found_and_picking_one_switches_keeping_the_recordings(tmp_path):
    clip = grey_clip(tmp_path / "clip.avi")
    collection = tmp_path / "mine"
    cameras = [(0, "Desk camera"), (2, "Document camera")]
    found = [FoundCamera(index, name) for index, name in cameras]
    actions = (
        wait({"camera.status": "running", "collection.picker.probe": "done"}, timeout_s=30)
        + new_class("red")
        + hold("r", 40)
        + click(*PICKER.button_center("camera 2", found))
        + wait({"camera.status": "failed"}, timeout_s=30)
        + choose_path(clip)
        + wait({"camera.status": "running"}, timeout_s=30)
        + hold("r", 40)
        + wait({"idle": True})
    )
    run = run_sketch(
        with_cameras(tmp_path, cameras),
        actions,
        tmp_path / "run",
        "--camera",
        clip,
        "--collection",
        collection,
        env=env_for(tmp_path),
    )
    assert run.returncode == 0, run.output
    state = run.state
    picker = state["collection"]["picker"]
    assert picker["cameras"] == [[0, "Desk camera"], [2, "Document camera"]] and picker["line"] == ""
    assert "camera: camera 2" in state["messages"]
    assert any(m.startswith("no camera 2: check that a webcam is plugged in") for m in state["problem_messages"])
    assert state["camera"]["source"] == str(clip)
    # The images recorded before the switch are still there, and the second recording added to them.
    totals = [
        int(found)
        for found in re.findall(r"^recorded \d+ images of red \((\d+) in all\)$", "\n".join(state["messages"]), re.M)
    ]
    assert len(totals) == 2 and 0 < totals[0] < totals[1], state["messages"]
    assert state["collection"]["counts"]["red"] == totals[1] == len(list((collection / "red").glob("*.png")))
    # On screen: a button per webcam, the clip's name on the video-or-folder button, chosen.
    x, y = PICKER.button_center("camera 0", found)
    assert run.pixel(x - 60, y) == (225, 228, 235)
    x, y = PICKER.button_center("file")
    assert run.pixel(x - 60, y) == ui.ACCENT


def test_no_camera_found_says_so_in_one_line_and_a_folder_can_still_be_chosen(tmp_path):
    folder = grey_folder(tmp_path / "frames", count=10)
    actions = (
        wait({"idle": True})
        + key("n")
        + wait({"collection.picker.probe": "done"}, timeout_s=30)
        + choose_path(tmp_path / "nothing")
        + wait({"idle": True})
        + click(*VIEW.button_center("name"))
        + click(*PICKER.button_center("file"))
        + typed(str(folder))
        + click(*PICKER.button_center("Open"))
        + wait({"camera.status": "running"}, timeout_s=30)
    )
    run = run_sketch(
        with_cameras(tmp_path, []), actions, tmp_path / "run", "--camera", NO_WEBCAM, env=env_for(tmp_path)
    )
    assert run.returncode == 0, run.output
    state = run.state
    picker = state["collection"]["picker"]
    assert picker["cameras"] == [] and picker["line"] == NO_CAMERA_LINE and picker["editing"] is False
    assert f"{tmp_path / 'nothing'}: no such file or folder" in state["problem_messages"]
    assert state["camera"]["source"] == str(folder) and state["camera"]["error"] == ""
    # The line is drawn in the error colour, left of the video-or-folder button.
    screen = pygame.image.load(str(run.screenshot))
    row = PICKER.rect
    red = [
        (x, y)
        for x in range(row.x, PICKER.file_button.rect.x)
        for y in range(row.y, row.bottom)
        if tuple(screen.get_at((x, y)))[:3] == ui.ERROR
    ]
    assert len(red) > 100


# ------------------------------------------------------------------------------------------------ the probe


def test_linux_lists_its_capture_devices_without_their_metadata_nodes(tmp_path):
    for node, index, name in (
        ("video0", "0", "Integrated Camera"),
        ("video1", "1", "Integrated Camera"),
        ("video4", "0", "USB Webcam"),
        ("vbi0", "0", "not a camera"),
    ):
        (tmp_path / node).mkdir()
        (tmp_path / node / "index").write_text(index + "\n")
        (tmp_path / node / "name").write_text(name + "\n")
    assert listed_cameras(tmp_path) == [FoundCamera(0, "Integrated Camera"), FoundCamera(4, "USB Webcam")]
    assert listed_cameras(tmp_path / "absent") is None


def test_devices_are_opened_in_turn_until_one_does_not_and_a_hung_one_is_given_up():
    assert opened_cameras(range(6), opens=lambda index: index in (0, 1, 3)) == [FoundCamera(0), FoundCamera(1)]
    assert opened_cameras(range(6), opens=lambda index: False) == []

    import threading

    never = threading.Event()

    def hangs_on_1(index):
        if index == 1:
            never.wait()  # a driver that never answers
        return True

    assert opened_cameras(range(6), opens=hangs_on_1, timeout=0.2) == [FoundCamera(0)]
    never.set()


def test_the_probe_runs_on_a_thread_and_a_failure_is_a_line():
    probe = CameraProbe(find=lambda: [FoundCamera(1, "Desk")]).start().wait(10)
    assert probe.status == "done" and probe.cameras == [FoundCamera(1, "Desk")]

    def broken():
        raise OSError("permission denied")

    failed = CameraProbe(find=broken).start().wait(10)
    assert failed.status == "failed" and failed.cameras == []
    assert failed.error == "cameras could not be listed: OSError: permission denied"
