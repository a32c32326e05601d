"""Samples in ml5's `saveData` layout, `{"data": [{"xs": {...}, "ys": {...}}]}`, and the autosaves of a session.

Reading is forgiving, as a student's files come from anywhere: any two numeric `xs` values are the place (x, y), in
their order; the output is the `ys` value that names a note, or (for regression) the one number in `ys`, whatever
their keys are called. Entries that do not fit are skipped and counted; a file that cannot be read at all raises
`SampleFileError` with a sentence for the screen.
"""

import json
import time
from dataclasses import dataclass
from pathlib import Path

from mlcore.files import (
    first_writable,
    json_list,
    output_folders,
    read_bytes,
    remove_stale_parts,
    utf8_text,
    write_atomically,
    write_new,
)
from mlcore.notes import pitches

AUTOSAVES_KEPT = 20
MAX_BYTES = 16_000_000  # about 140,000 samples: a larger file would keep the window blank for seconds at the start
BYTES_PER_SAMPLE = 115  # in a file the sketches saved
PROGRESS_EVERY = 1000  # entries read between two words of progress


class SampleFileError(ValueError):
    """A samples file that cannot be read: the message says why, in a student's words."""


@dataclass(slots=True)  # no dict per sample: a canvas holds 100,000 of them
class Sample:
    """One place on the canvas and the note it teaches (with its frequency in Hz)."""

    x: float
    y: float
    note: str
    frequency: float


def to_ml5(samples, with_frequency):
    """ml5's saveData layout, in canvas coordinates; ml5's loadData reads it back."""
    data = []
    for sample in samples:
        ys = {"label": sample.note}
        if with_frequency:
            ys["frequency"] = sample.frequency
        data.append({"xs": {"x": sample.x, "y": sample.y}, "ys": ys})
    return {"data": data}


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value and abs(value) < 1e300


def _place(xs):
    """The first two numeric values of `xs`, in order (the canvas place)."""
    if not isinstance(xs, dict):
        return None
    numbers = [float(value) for value in xs.values() if _is_number(value)]
    return tuple(numbers[:2]) if len(numbers) >= 2 else None


def _output(ys, wants_number, notes):
    """(note, frequency) from `ys`, or a reason it has none; `notes`: {name: Hz} of the sketch's notes."""
    if not isinstance(ys, dict):
        return None, "no ys"
    names = {name.upper(): name for name in notes}
    found = [names[value.upper()] for value in ys.values() if isinstance(value, str) and value.upper() in names]
    numbers = [float(value) for value in ys.values() if _is_number(value)]
    if wants_number:
        if len(numbers) != 1:
            return None, f"{len(numbers)} numbers in ys ({', '.join(ys)}), not one"
        hz = numbers[0]
        if not 20 <= hz <= 20000:
            return None, f"{hz:g} Hz is not an audible frequency"
        note = found[0] if found else pitches.nearest_natural(hz, notes=notes)
        return (note, round(hz, 2)), ""
    if not found:
        return None, "no note A–G in ys" if list(notes) == pitches.NAMES else "no note of the sketch's NOTES in ys"
    return (found[0], round(notes[found[0]], 2)), ""


def read_samples(path, fits, wants_number=False, octave=4, notes=None, progress=None):
    """The samples of an ml5 JSON file whose place `fits(x, y)`; returns (samples, skipped, reasons). `notes`:
    {name: Hz} of the sketch's notes (C to B in `octave` when None). A file over MAX_BYTES is refused before it is
    read; bytes that are not UTF-8 spoil only the entries they are in (`reasons` counts them). `progress(done,
    total)` hears how many entries are read, every PROGRESS_EVERY."""
    notes = notes or pitches.scale(octave=octave)
    name = str(path)
    data = read_bytes(path, "a samples file", SampleFileError, count=MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise SampleFileError(
            f"{name}: too large to load (over {MAX_BYTES // 1_000_000} MB, about "
            f"{MAX_BYTES // BYTES_PER_SAMPLE:,} samples; load a part of it)"
        )
    text, not_utf8 = utf8_text(data, name, SampleFileError, replace=True)
    try:  # decoded an entry at a time where it can be: a thread reading a large file leaves the window its turns
        entries = json_list(text, "data", name, SampleFileError, f'{name}: not an ml5 data file (no "data" list)')
    except SampleFileError:
        if not_utf8:  # binary noise, not a JSON file with a stray byte: say so
            utf8_text(data, name, SampleFileError)
        raise
    samples, reasons = [], {}
    for done, entry in enumerate(entries):
        if progress and done % PROGRESS_EVERY == 0:
            progress(done, len(entries))
        place = _place(entry.get("xs")) if isinstance(entry, dict) else None
        output, why = _output(entry.get("ys"), wants_number, notes) if place else (None, "no two numbers in xs")
        if output and not fits(*place):
            output, why = None, "outside the canvas"
        if output is None:
            reasons[why] = reasons.get(why, 0) + 1
            continue
        samples.append(Sample(round(place[0], 1), round(place[1], 1), *output))
    skipped = sum(reasons.values())
    if not_utf8:  # the entries these bytes spoil are skipped above; the rest were in fields no sample uses
        reasons["bytes that are not UTF-8, read as \ufffd"] = not_utf8
    return samples, skipped, reasons


def save_samples(path, samples, with_frequency):
    """Write the samples as ml5 JSON (an OSError reaches the caller; nothing half-written stays)."""
    write_atomically(path, json.dumps(to_ml5(samples, with_frequency), indent=1))


# -- autosaves: every session its own file, the newest ones kept ----------------------------------------------------


def autosave_folders():
    """The current folder, else the user's data folder (`files.output_folders`)."""
    return output_folders()


def autosave(samples, sketch, with_frequency):
    """Write this session's samples to a new file named by date and time; returns its path, or None.

    The name is claimed before it is written (`files.write_new`): sketches quitting in the same second in one
    folder each keep their own file. Temporary files that an earlier, killed autosave left are removed.
    """
    stamp = time.strftime("%Y%m%d-%H%M%S")
    content = json.dumps(to_ml5(samples, with_frequency), indent=1)

    def write(folder):
        path = write_new(folder, f"{sketch}-autosave-{stamp}", ".json", content)
        remove_stale_parts(folder, f"{sketch}-autosave-")
        _prune(folder, sketch)
        return path

    return first_writable(write, autosave_folders())[0]


def _autosaves(folder, sketch):
    return sorted(Path(folder).glob(f"{sketch}-autosave-*.json"), key=lambda p: (p.stat().st_mtime, p.name))


def _prune(folder, sketch):
    for old in _autosaves(folder, sketch)[:-AUTOSAVES_KEPT]:
        try:
            old.unlink()
        except OSError:
            pass


def newest_autosave(sketch):
    """The newest autosave of `sketch` in the current folder or the user's data folder (for `--load last`)."""
    found = [path for folder in autosave_folders() if folder.is_dir() for path in _autosaves(folder, sketch)]
    return max(found, key=lambda p: (p.stat().st_mtime, p.name)) if found else None
