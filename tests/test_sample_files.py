"""Sample files as ml5 writes and reads them, and autosaves that never overwrite a session's work."""

import json
import os
import re

import pytest

from driver import cluster, key, run_sketch
from mlcore.files import json_list, parse_json
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


def test_a_large_file_loads_while_the_window_runs_and_what_is_placed_meanwhile_stays_last(tmp_path):
    entries = [{"xs": {"x": 100 + i % 700, "y": 100 + i % 400}, "ys": {"label": "CDE"[i % 3]}} for i in range(30_000)]
    path = write(tmp_path, {"data": entries}, "big.json")
    assert path.stat().st_size > 1_000_000  # larger than what is read before the first frame
    actions = key("t") + cluster("g", [(480, 300)]) + [{"type": "wait", "until": {"loading": None}, "timeout_s": 60}]
    run = run_sketch("classification", actions, tmp_path, "--load", path)
    assert run.returncode == 0, run.output
    messages = run.state["messages"]
    assert messages[0] == f"loading {path}…"  # on the bar from the first frame
    assert f"still loading {path}: T trains once its samples are here" in messages  # T came while it loaded
    assert any(m.startswith(f"loading {path}: ") and m.endswith(" of 30,000 entries read") for m in messages)
    assert f"loaded 30000 samples from {path}" in messages
    samples = run.state["samples"]
    assert len(samples) == 30_001 and samples[0] == {"x": 100, "y": 100, "label": "C"}
    assert samples[-1] == {"x": 480, "y": 300, "label": "G"}  # the click made while it loaded, after the file's
    [autosave] = tmp_path.glob("classification-autosave-*.json")  # the click was unsaved work: all kept on quit
    assert len(json.loads(autosave.read_text())["data"]) == 30_001


@pytest.mark.parametrize(
    "text",
    [
        '{"data": []}',
        '{"data": [1, 2, {"a": [3, "]"]}]}',
        '\ufeff{"data": [1]}',
        '{"data": [1], "x": 2}',
        '{"x": 1, "data": [5]}',
        '{ "data" : [ 1 , 2 ] } ',
        '{"data": [1,]}',
        '{"data": [1',
        '{"data": [1]} x',
        '{"data": 5}',
        "[1, 2]",
    ],
)
def test_a_list_decoded_an_item_at_a_time_is_what_the_whole_file_says(text):
    try:
        document = parse_json(text, "f.json")
    except ValueError as whole:
        with pytest.raises(ValueError, match=re.escape(str(whole))):
            json_list(text, "data", "f.json")
        return
    expected = document.get("data") if isinstance(document, dict) else None
    if isinstance(expected, list):
        assert json_list(text, "data", "f.json") == expected
    else:
        with pytest.raises(ValueError, match='f.json: no "data" list'):
            json_list(text, "data", "f.json")
