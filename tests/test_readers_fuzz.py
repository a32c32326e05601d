"""Every reader of the sketches' files meets the same set of bad files and answers each with one line naming the
file and the problem, never a traceback: session files, replays, note samples, Marcelle files and model files, read
directly and through the sketches' command lines (--load, --replay, the image classifier's --dataset and
--load-model).

The bad files are what a careless classroom and a fuzzer produced: binary noise, text that is not UTF-8, JSON nested
100,000 deep, a number 400 digits long, fields of the wrong type, a file cut short.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from mlcore.data.marcelle import load_marcelle_file
from mlcore.data.samples import DatasetError
from mlcore.image_engine.session_file import SessionError, read_session
from mlcore.ml.model_io import ModelFileError, load_model
from mlcore.notes import sample_files
from mlcore.notes.sample_files import SampleFileError, read_samples
from mlcore.runtime.replay import ReplayError, read_actions

ROOT = Path(__file__).resolve().parents[1]
DEEP = "[" * 100_000 + "]" * 100_000
BAD = {
    "binary": bytes(range(256)) * 8,
    "latin-1": '{"data": [{"xs": {"x": 1}, "label": "caf\xe9"}]}'.encode("latin-1"),
    "empty": b"",
    "deep": DEEP.encode(),
    "huge number": b'{"data": [{"xs": {"x": 1' + b"0" * 400 + b', "y": 2}, "ys": {"label": "C"}}]}',
    "wrong fields": json.dumps({"data": "not a list", "instances": 3, "session": None}).encode(),
    "truncated": b'{"data": [{"xs": {"x": 1, ',
}


def key_code(name):
    if len(name) != 1:
        raise ValueError(name)
    return ord(name)


READERS = {
    "samples": (lambda path: read_samples(path, lambda x, y: True), SampleFileError),
    "replay": (lambda path: read_actions(path, key_code), ReplayError),
    "marcelle": (load_marcelle_file, DatasetError),
    "model": (load_model, ModelFileError),
    "session": (read_session, SessionError),
}
# What a reader takes rather than refuses: an empty replay plays nothing; a samples file's bytes that are not UTF-8
# spoil only the entries they are in (here the one entry, which has no place anyway).
ACCEPTED = {("replay", "empty"), ("samples", "latin-1")}


def bad_file(folder: Path, kind: str) -> Path:
    path = folder / f"bad-{kind.replace(' ', '_')}.json"
    path.write_bytes(BAD[kind])
    return path


def session_file_holding(path: Path, text: str) -> Path:
    """A session file (an .npz archive) whose JSON entry is `text`: the JSON inside it is what is bad."""
    with open(path, "wb") as file:
        np.savez(file, session=np.array(text))
    return path


def assert_one_line_naming(message: str, path: Path):
    assert message and "\n" not in message.strip(), message
    assert "Traceback" not in message and "Error:" not in message, message
    assert path.name in message, message


@pytest.mark.parametrize("kind", sorted(BAD))
@pytest.mark.parametrize("reader", sorted(READERS))
def test_every_reader_answers_a_bad_file_with_one_line(tmp_path, reader, kind):
    read, error = READERS[reader]
    path = bad_file(tmp_path, kind)
    if (reader, kind) in ACCEPTED:
        read(path)
        return
    with pytest.raises(error) as raised:
        read(path)
    assert_one_line_naming(str(raised.value), path)
    if reader == "session" and kind not in ("binary", "empty", "truncated", "latin-1"):
        # the same bad JSON inside a well-formed archive
        inner = session_file_holding(tmp_path / "inner.npz", BAD[kind].decode("utf-8", "replace"))
        with pytest.raises(error) as raised:
            read(inner)
        assert_one_line_naming(str(raised.value), inner)


def test_a_byte_order_mark_is_accepted_before_good_json(tmp_path):
    samples = {"data": [{"xs": {"x": 10, "y": 20}, "ys": {"label": "C"}}]}
    path = tmp_path / "with_bom.json"
    path.write_bytes("\ufeff".encode() + json.dumps(samples).encode())
    read, skipped, _ = read_samples(path, lambda x, y: True)
    assert [(sample.x, sample.y) for sample in read] == [(10, 20)] and skipped == 0


def test_a_bad_byte_spoils_only_its_own_entry_and_is_counted(tmp_path):
    entries = [
        {"xs": {"x": 10, "y": 20}, "ys": {"label": "C"}, "comment": "BAD"},
        {"xs": {"x": 30, "y": 40}, "ys": {"label": "BAD"}},
        {"xs": {"x": 50, "y": 60}, "ys": {"label": "E"}},
    ]
    path = tmp_path / "one_bad_byte.json"
    path.write_bytes(json.dumps({"data": entries}).encode().replace(b"BAD", b"\xff"))
    read, skipped, reasons = read_samples(path, lambda x, y: True)
    assert [(sample.x, sample.note) for sample in read] == [(10, "C"), (50, "E")]
    assert skipped == 1 and reasons == {"no note A–G in ys": 1, "bytes that are not UTF-8, read as \ufffd": 2}


def test_a_samples_file_over_the_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(sample_files, "MAX_BYTES", 1000)
    path = tmp_path / "large.json"
    path.write_text(json.dumps(sample_files.to_ml5([sample_files.Sample(1.0, 2.0, "C", 261.63)] * 50, True)))
    with pytest.raises(SampleFileError) as raised:
        read_samples(path, lambda x, y: True)
    assert_one_line_naming(str(raised.value), path)


# -- the same bad files through the sketches' command lines ----------------------------------------------------------

SKETCH_KINDS = ["binary", "latin-1", "deep", "huge number", "wrong fields"]
ENTRIES = {  # the command line, and what a bad file there gives: exit status and the first line on stderr
    "--load": (["sketches/classification.py", "--max-frames", "30", "--load"], 0, "could not load "),
    "--replay": (["sketches/regression.py", "--max-frames", "30", "--replay"], 2, "regression.py: error: "),
    "--dataset": (
        ["sketches/image_classifier.py", "--max-frames", "3000", "--quit-when-idle", "--dataset"],
        4,
        "image_classifier: ",
    ),
    "--load-model": (
        ["sketches/image_classifier.py", "--max-frames", "3000", "--quit-when-idle", "--load-model"],
        4,
        "image_classifier: ",
    ),
}


def run_with(entry: str, path: Path, folder: Path):
    command, _, _ = ENTRIES[entry]
    environment = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "XDG_DATA_HOME": str(folder / "data"),
        "ML_SKETCHES_CACHE": str(folder / "cache"),
        "SDL_VIDEODRIVER": "dummy",
        "SDL_AUDIODRIVER": "dummy",
    }
    state = folder / "state.json"
    arguments = [
        sys.executable,
        str(ROOT / command[0]),
        "--headless",
        "--state-json",
        state,
        *command[1:],
        path,
    ]
    process = subprocess.run(arguments, cwd=folder, env=environment, capture_output=True, text=True, timeout=120)
    return process, json.loads(state.read_text()) if state.exists() else None


# The image classifier reads a model file with torch, which takes seconds to import: one bad file there (the reader
# itself meets them all above); every other command line meets every kind.
SKETCH_CASES = [(entry, kind) for entry in sorted(ENTRIES) for kind in SKETCH_KINDS if entry != "--load-model"]
SKETCH_CASES.append(("--load-model", "binary"))


@pytest.mark.parametrize(("entry", "kind"), SKETCH_CASES)
def test_every_sketch_answers_a_bad_file_with_one_line_and_its_exit_status(tmp_path, entry, kind):
    if entry == "--load" and kind == "latin-1":
        kind = "truncated"  # latin-1 samples are read (see above); a file cut short is refused
    path = bad_file(tmp_path, kind)
    process, state = run_with(entry, path, tmp_path)
    _, status, first_line = ENTRIES[entry]
    assert "Traceback" not in process.stderr, process.stderr
    assert process.returncode == status, process.stderr
    if first_line is not None:
        line = process.stderr.strip().splitlines()[0]
        assert line.startswith(first_line), process.stderr
        assert_one_line_naming(line, path)
    if state is not None:  # the sketch ran: its message bar says the same, once
        said = [message for message in state["messages"] if path.name in message]
        assert len(said) >= 1, state["messages"]
        assert_one_line_naming(said[0], path)


def test_a_batch_run_of_the_image_classifier_with_a_bad_file_fails_in_words(tmp_path):
    path = bad_file(tmp_path, "binary")
    process, _ = run_with("--dataset", path, tmp_path)
    assert process.returncode != 0 and path.name in process.stderr.strip().splitlines()[0]


def test_a_samples_file_over_the_limit_starts_the_sketch_empty_with_one_line(tmp_path):
    path = tmp_path / "huge.json"
    with open(path, "wb") as file:  # over the limit; what it holds is never read
        file.truncate(sample_files.MAX_BYTES + 1)
    process, state = run_with("--load", path, tmp_path)
    assert process.returncode == 0 and "Traceback" not in process.stderr, process.stderr
    line = process.stderr.strip().splitlines()[0]
    assert line.startswith(f"could not load {path}: too large to load (over 16 MB"), line
    assert state["samples"] == [] and any("too large to load" in message for message in state["messages"])
