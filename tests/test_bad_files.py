"""Every reader of the sketches' files meets the same set of bad files and answers each with one line naming the
file and the problem, never a traceback: session files, replays, note samples, Marcelle files and model files.

The bad files are what a careless classroom and a fuzzer produced: binary noise, text that is not UTF-8, a UTF-8
byte-order mark before good JSON, JSON nested 100,000 deep, a number 400 digits long, fields of the wrong type.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from mlcore.data.marcelle import load_marcelle_file
from mlcore.data.samples import DatasetError
from mlcore.image_engine.session_file import SessionError, read_session
from mlcore.ml.model_io import ModelFileError, load_model
from mlcore.notes.sample_files import SampleFileError, read_samples
from mlcore.runtime.replay import ReplayError, read_actions

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


def _write(folder, data):
    path = folder / "file.json"
    path.write_bytes(data)
    return path


READERS = {
    "samples": (lambda path: read_samples(path, lambda x, y: True), SampleFileError),
    "replay": (lambda path: read_actions(path, key_code), ReplayError),
    "marcelle": (load_marcelle_file, DatasetError),
    "model": (load_model, ModelFileError),
    "session": (read_session, SessionError),
}


def session_file_holding(path: Path, text: str) -> Path:
    """A session file (an .npz archive) whose JSON entry is `text`: the JSON inside it is what is bad."""
    with open(path, "wb") as file:
        np.savez(file, session=np.array(text))
    return path


@pytest.mark.parametrize("kind", sorted(BAD))
@pytest.mark.parametrize("reader", sorted(READERS))
def test_every_reader_answers_a_bad_file_with_one_line(tmp_path, reader, kind):
    read, error = READERS[reader]
    if reader == "replay" and kind == "empty":
        assert read_actions(_write(tmp_path, b""), key_code) == []  # an empty replay plays nothing: not an error
        return
    path = tmp_path / f"bad-{kind.replace(' ', '_')}.json"
    path.write_bytes(BAD[kind])
    with pytest.raises(error) as raised:
        read(path)
    message = str(raised.value)
    assert message and "\n" not in message, message
    assert "Traceback" not in message and "Error:" not in message, message
    if reader == "session" and kind not in ("binary", "empty", "truncated", "latin-1"):
        # the same bad JSON inside a well-formed archive
        inner = session_file_holding(tmp_path / "inner.npz", BAD[kind].decode("utf-8", "replace"))
        with pytest.raises(error) as raised:
            read(inner)
        assert "\n" not in str(raised.value)


def test_a_byte_order_mark_is_accepted_before_good_json(tmp_path):
    samples = {"data": [{"xs": {"x": 10, "y": 20}, "ys": {"label": "C"}}]}
    path = tmp_path / "with_bom.json"
    path.write_bytes("\ufeff".encode() + json.dumps(samples).encode())
    read, skipped, _ = read_samples(path, lambda x, y: True)
    assert [(sample.x, sample.y) for sample in read] == [(10, 20)] and skipped == 0
