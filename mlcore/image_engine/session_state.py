"""The last session as plain values: what `session_file` writes, made from the engine's state and given back to it.

`snapshot` reads the pipeline (its dataset's source and edits, the features, the settings, the runs table and the
run shown, the page and the camera) and names its models; `restore` is the step that brings it back: the dataset
loads again, its features come from the feature cache, the edits are made again, then the models come back as
`NumpyMLP`s, scored again. `SessionWriter` writes the newest snapshot on a thread of its own.
"""

import copy
import dataclasses
import threading
from pathlib import Path

from mlcore.data.collection import CollectionError, open_collection
from mlcore.data.course import course_name
from mlcore.files import cannot_write, remove_stale_parts
from mlcore.image_engine.edits import replay
from mlcore.image_engine.images import PipelineError
from mlcore.image_engine.run import Run, RunsTable
from mlcore.image_engine.session_file import write_session


def dataset_spec(spec):
    """A dataset as the session names it: a course name as it is, a file or folder by its full path (so that the
    next session, started from another folder, finds it)."""
    text = str(spec).strip()
    if text.lower() == "builtin" or course_name(text) is not None:
        return text
    return str(Path(text).expanduser().absolute())


def camera_spec(source):
    """The camera as the session keeps it: a webcam's number, or a video's or a folder's full path."""
    return source if isinstance(source, int) else str(Path(source).expanduser().absolute())


def describe(session):
    """What a session holds, in a few words: "builtin, 1 edit, color_histogram features, 2 runs, Training page"."""
    edits, runs = len(session["edits"]), len(session["runs"])
    parts = [session["dataset"]]
    if edits:
        parts.append(f"{edits} edit{'s' * (edits != 1)}")
    if session["extracted"]:
        parts.append(f"{session['extracted']} features")
    if session["model"] is not None and session["model"]["model"] is not None:
        parts.append("a trained model")
    if runs:
        parts.append(f"{runs} run{'s' * (runs != 1)}")
    return ", ".join(parts + [f"{session['page']} page"])


class SessionWriter:
    """Writes the newest snapshot to the session file on a thread of its own: the draw loop never waits on a disk.

    Snapshots asked for while one is being written replace one another: only the newest is written next.
    """

    def __init__(self, path):
        self.path = path
        remove_stale_parts(Path(path).parent, Path(path).name)  # what a write killed in an earlier run left
        self.error = ""  # why the last write failed, in one line; "" once one succeeds
        self._pending = None
        self._thread = None
        self._lock = threading.Lock()

    def save(self, session, models):
        with self._lock:
            self._pending = (session, models)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="session writer", daemon=True)
                self._thread.start()

    @property
    def busy(self):
        """True while a snapshot waits or is being written."""
        with self._lock:
            return self._thread is not None

    def _run(self):
        while True:
            with self._lock:
                pending, self._pending = self._pending, None
                if pending is None:
                    self._thread = None
                    return
            try:
                write_session(self.path, *pending)
                self.error = ""
            except OSError as error:
                self.error = cannot_write(self.path.parent, error)
            except Exception as error:  # a bug, not the disk: still one line, and the writer goes on
                self.error = f"{type(error).__name__}: {error}"

    def flush(self, timeout=10.0):
        """Wait until the newest snapshot is on disk (at most `timeout` seconds)."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)


def snapshot(pipeline, source, edits, page, camera):
    """The session now, as plain values naming its models, and the models by name (written by `SessionWriter`).

    `source` says where the dataset came from, `edits` are `DataEdits.changes()`, `page` the page's name and
    `camera` the camera's source (a number or a path)."""
    models, names = {}, {}

    def entry(run, status):
        name = names.setdefault(id(run.model), f"model{len(names)}")
        models[name] = run.model
        return {
            "model": name,
            "trained_on": run.trained_on,
            "history": run.curves(),
            "epochs": run.epochs_planned,
            "status": status,
        }

    runs, loaded = [], pipeline.features
    for run in pipeline.runs:
        kept = {"row": dict(run.row), "model": None}
        # Only a run of the data now loaded, on the features now extracted, can be brought back whole.
        if (
            run.dataset is pipeline.dataset
            and run.model is not None
            and loaded is not None
            and (run.features is not None and run.features.extractor == loaded.extractor)
        ):
            kept.update(entry(run, "done"))
        runs.append(kept)
    shown = pipeline.shown
    current = None if shown.model is None else entry(shown, shown.status)
    return {
        "source": dict(source),
        "dataset": pipeline.dataset.name,
        "edits": edits,
        "features": pipeline.features_name,
        "extracted": pipeline.extracted,
        "params": copy.deepcopy(pipeline.params),
        "page": page,
        "model": current,
        "runs": runs,
        "run_shown": pipeline.run_shown,
        "camera": camera_spec(camera),
    }, models


def restore(pipeline, job, session, models):
    """The "restore" step, on the pipeline's worker thread: the dataset, its features and edits, then the runs and
    the model. Returns what the window takes over: the edits (to undo them), how many were missed, the collection."""
    source, collection = session["source"], None
    if "collection" in source:
        job.report(0, None, f"opening {source['collection']}")
        try:
            collection = open_collection(source["collection"])
            dataset = collection.split(test_fraction=source["test_fraction"], seed=pipeline.params.get("seed") or 0)
        except CollectionError as error:
            raise PipelineError(f"the last session's own classes cannot be opened: {error}") from None
        pipeline.set_dataset(dataset)
    else:
        pipeline.load_step(job, source["dataset"])
    pipeline.features_name = session["features"]
    if session["extracted"]:
        pipeline.extract_step(job, session["extracted"])
    data, edits, missed = replay((pipeline.dataset, pipeline.features), session["edits"])
    pipeline.use_data(*data)
    _restore_runs(pipeline, session, models)
    return {"edits": edits, "missed": missed, "collection": collection}


def _restore_runs(pipeline, session, models):
    """The runs table (each run of these data and features whole, the others as rows), then the model shown."""
    table = RunsTable()
    for saved in session["runs"]:
        run = Run(row=dict(saved["row"]))
        if saved["model"] is not None:
            shown = _model_run(pipeline, models[saved["model"]], saved)
            if shown.scored:
                run = dataclasses.replace(shown, row=run.row)
        table.add(run)
    pipeline.runs = table
    pipeline.clear_results()
    current = session["model"]
    if current is not None and current["model"] is not None:
        _model_run(pipeline, models[current["model"]], current)
        shown = session["run_shown"]
        if isinstance(shown, int) and 0 <= shown < len(table) and table[shown].dataset is not None:
            pipeline.run_shown = shown


def _model_run(pipeline, model, entry):
    """`model` shown by the pipeline with its curves, scored where it fits the features now loaded."""
    status = entry.get("status") if entry.get("status") in ("done", "cancelled", "idle") else "done"
    return pipeline.model_run(
        model,
        entry["trained_on"],
        model.weights[0].shape[1],
        history=entry["history"],
        epochs=entry["epochs"],
        status=status,
    )
