"""Sample files as ml5 writes and reads them, and autosaves that never overwrite a session's work."""

import json
import os

import pytest

from driver import cluster, key, run_sketch
from mlcore.notes import sample_files
from mlcore.notes.sample_files import Sample, SampleFileError, read_samples

ANYWHERE = lambda x, y: 0 <= x < 960 and 48 <= y < 566  # noqa: E731  (the note canvas between its bars)


def write(tmp_path, document, name="data.json"):
    path = tmp_path / name
    path.write_text(document if isinstance(document, str) else json.dumps(document))
    return path


def test_any_two_numeric_xs_and_any_note_key_in_ys(tmp_path):
    path = write(
        tmp_path,
        {
            "data": [
                {"xs": {"mouseX": 100, "mouseY": 200}, "ys": {"note": "e"}},
                {"xs": {"a": 300.5, "b": 150}, "ys": {"output0": "G"}},
            ]
        },
    )
    samples, skipped, _ = read_samples(path, ANYWHERE)
    assert skipped == 0
    assert samples == [Sample(100, 200, "E", 329.63), Sample(300.5, 150, "G", 392.0)]


def test_regression_takes_the_one_number_in_ys_under_any_name(tmp_path):
    path = write(
        tmp_path,
        {
            "data": [
                {"xs": {"x": 100, "y": 200}, "ys": {"pitch": 300}},
                {"xs": {"x": 120, "y": 200}, "ys": {"label": "E", "frequency": 329.63}},
            ]
        },
    )
    samples, skipped, _ = read_samples(path, ANYWHERE, wants_number=True)
    assert skipped == 0
    assert samples == [Sample(100, 200, "D", 300.0), Sample(120, 200, "E", 329.63)]


def test_regression_says_what_it_found_when_ys_has_several_numbers_or_none(tmp_path):
    path = write(
        tmp_path,
        {
            "data": [
                {"xs": {"x": 100, "y": 200}, "ys": {"hz": 300, "volume": 0.5}},
                {"xs": {"x": 100, "y": 200}, "ys": {"label": "C"}},
                {"xs": {"x": 100, "y": 200}, "ys": {"hz": True}},
            ]
        },
    )
    samples, skipped, reasons = read_samples(path, ANYWHERE, wants_number=True)
    assert samples == [] and skipped == 3
    assert reasons == {
        "2 numbers in ys (hz, volume), not one": 1,
        "0 numbers in ys (label), not one": 1,
        "0 numbers in ys (hz), not one": 1,
    }


def test_booleans_are_not_numbers_and_places_off_the_canvas_are_skipped(tmp_path):
    path = write(
        tmp_path,
        {
            "data": [
                {"xs": {"x": True, "y": 200, "z": 300}, "ys": {"label": "C"}},
                {"xs": {"x": 100, "y": 10}, "ys": {"label": "C"}},  # on the top bar
                {"xs": {"x": -4, "y": 200}, "ys": {"label": "C"}},  # off the canvas
                {"xs": {"x": 100, "y": 580}, "ys": {"label": "C"}},
            ]
        },
    )  # on the bottom bar
    samples, skipped, reasons = read_samples(path, ANYWHERE)
    assert samples == [Sample(200, 300, "C", 261.63)]  # the boolean is not x: the next two numbers are
    assert skipped == 3 and reasons == {"outside the canvas": 3}


@pytest.mark.parametrize(
    "content, why",
    [
        ("[" * 100_000, "nested too deeply"),
        ("{", "not valid JSON"),
        ('{"data": {}}', 'no "data" list'),
        ("\udcff", "not UTF-8"),
    ],
)
def test_unreadable_files_are_one_sentence(tmp_path, content, why):
    path = tmp_path / "bad.json"
    path.write_bytes(content.encode("utf-8", "surrogateescape"))
    with pytest.raises(SampleFileError, match=why):
        read_samples(path, ANYWHERE)


def test_what_save_writes_is_what_ml5_load_data_reads(tmp_path):
    samples = [Sample(100, 200, "E", 329.63), Sample(300, 400, "G", 392.0)]
    sample_files.save_samples(tmp_path / "out.json", samples, with_frequency=True)
    document = json.loads((tmp_path / "out.json").read_text())
    # ml5's loadData wants {"data": [{xs, ys}]}: numbers in xs, the outputs in ys under their names.
    assert document == {
        "data": [
            {"xs": {"x": 100, "y": 200}, "ys": {"label": "E", "frequency": 329.63}},
            {"xs": {"x": 300, "y": 400}, "ys": {"label": "G", "frequency": 392.0}},
        ]
    }
    assert read_samples(tmp_path / "out.json", ANYWHERE, wants_number=True)[0] == samples


def test_a_pathological_load_is_a_message_not_a_traceback(tmp_path):
    bad = write(tmp_path, "[" * 100_000, "deep.json")
    run = run_sketch("classification", cluster("c", [(300, 300)]), tmp_path, "--load", bad)
    assert run.returncode == 0, run.output
    assert "Traceback" not in run.output
    assert any("nested too deeply" in m for m in run.state["messages"])
    assert len(run.state["samples"]) == 1  # the lesson goes on


def test_the_regression_sketch_loads_a_file_with_its_own_key_names(tmp_path):
    path = write(
        tmp_path,
        {
            "data": [
                {"xs": {"px": 200, "py": 300}, "ys": {"hertz": 440}},
                {"xs": {"px": 400, "py": 300}, "ys": {"hertz": 261.63}},
                {"xs": {"px": 400, "py": 5}, "ys": {"hertz": 261.63}},
            ]
        },
    )
    run = run_sketch("regression", key("a"), tmp_path, "--load", path)
    # A point where the top bar used to cover the canvas is kept now: the bars sit outside the canvas.
    assert [(s["label"], s["target"]) for s in run.state["samples"]] == [("A", 440.0), ("C", 261.63), ("C", 261.63)]
    assert not any("skipped" in m for m in run.state["messages"])


def test_two_sessions_in_one_folder_keep_both_and_load_last_opens_the_newest(tmp_path):
    first = run_sketch("classification", cluster("c", [(300, 300)]), tmp_path)
    second = run_sketch("classification", cluster("e", [(400, 300), (420, 300)]), tmp_path)
    assert first.returncode == 0 and second.returncode == 0
    autosaves = sorted(tmp_path.glob("classification-autosave-*.json"))
    assert len(autosaves) == 2
    labels = sorted([entry["ys"]["label"] for entry in json.loads(path.read_text())["data"]] for path in autosaves)
    assert labels == [["C"], ["E", "E"]]
    again = run_sketch(
        "classification", key("a"), tmp_path / "later", "--load", "last", env={"XDG_DATA_HOME": str(tmp_path / "data")}
    )
    assert [s["label"] for s in again.state["samples"]] == []  # another folder: its own autosaves (none)
    again = run_sketch("classification", key("a"), tmp_path, "--load", "last")
    assert [s["label"] for s in again.state["samples"]] == ["E", "E"]


def test_the_last_twenty_autosaves_are_kept(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for number in range(25):
        old = tmp_path / f"classification-autosave-20200101-0000{number:02d}.json"
        old.write_text('{"data": []}')
        os.utime(old, (1_600_000_000 + number, 1_600_000_000 + number))
    path = sample_files.autosave([Sample(1, 60, "C", 261.63)], "classification", with_frequency=False)
    kept = sorted(tmp_path.glob("classification-autosave-*.json"))
    assert len(kept) == sample_files.AUTOSAVES_KEPT and path in kept
    assert tmp_path / "classification-autosave-20200101-000024.json" in kept
    assert tmp_path / "classification-autosave-20200101-000005.json" not in kept


def test_autosave_goes_to_the_data_folder_when_the_current_one_cannot_be_written(tmp_path, monkeypatch):
    blocked = tmp_path / "file"
    blocked.write_text("")
    monkeypatch.setattr(sample_files, "autosave_folders", lambda: [blocked / "sub", tmp_path / "data"])
    path = sample_files.autosave([Sample(1, 60, "C", 261.63)], "regression", with_frequency=True)
    assert path.parent == tmp_path / "data"
    assert json.loads(path.read_text())["data"][0]["ys"] == {"label": "C", "frequency": 261.63}
