"""The note canvas's state as plain JSON values: what a test, a replay's wait or `--state-json` reads."""

from mlcore.notes.bars import click_words
from mlcore.notes.canvas_files import file_state
from mlcore.widgets import theme


class SampleRecords:
    """The samples as JSON values, written out again only when the list changed: a replay's wait reads the state
    every frame, and 100,000 samples take a tenth of a second to write out."""

    def __init__(self):
        self.ends = (0, None, None)  # the list's length, first and last sample when the records were made
        self.records = []

    def of(self, samples, task):
        ends = (len(samples), samples[0], samples[-1]) if samples else (0, None, None)
        if ends[0] != self.ends[0] or ends[1] is not self.ends[1] or ends[2] is not self.ends[2]:
            self.records = [{"x": s.x, "y": s.y, "label": s.note, **task.state_fields(s)} for s in samples]
            self.ends = ends
        return list(self.records)


def training_state(canvas):
    """The latest training: its status, epochs, error, seconds, curves and layers."""
    network = canvas.network
    job = network.job if network is not None else None
    status = "idle" if job is None else ("running" if job.status == "done" and not network.trained else job.status)
    training = {
        "status": status,
        "epochs": canvas.epochs,
        "epochs_done": job.done if job else 0,
        "error": job.error if job else "",
        "seconds": network.seconds if network else None,
        "message": job.message if job else "",
    }
    if job is not None:
        training.update({key: list(values) for key, values in network.history.items()})
        training["layers"] = network.summary()
    return training


def canvas_state(canvas):
    """Everything the canvas holds and shows: samples, predictions, sounds, training, map, runs, messages, layout."""
    network, speaker = canvas.network, canvas.speaker
    samples = canvas.sample_records.of(canvas.samples, canvas.task)
    return {
        "sketch": canvas.sketch,
        "mode": canvas.mode,
        "note": canvas.note,
        "samples": samples,
        "predictions": list(canvas.predictions),
        "sounds": list(canvas.sounds),
        "training": training_state(canvas),
        "map": {"visible": canvas.show_map, "ms": canvas.map.ms},
        "runs": canvas.runs.state(),
        "audio": {"available": bool(speaker and speaker.available), "notice": speaker.notice if speaker else ""},
        "messages": list(canvas.messages.log),
        "unsaved": canvas.unsaved,
        "loading": None if canvas.loading is None else {"done": canvas.loading.done, "total": canvas.loading.total},
        "display": theme.report(),
        "network_file": file_state(network.file_job if network is not None else None),
        "popup": {"visible": canvas.show_popup, "epochs_shown": canvas.epochs_shown()},
        "layout": canvas.layout.state(canvas.show_popup),
        "stacks": canvas.sample_layer.state(),
        "samples_drawn": canvas.sample_layer.count,  # on the layer: fewer while a file's samples are drawn in
        "click": click_words(canvas)[0],
        "drag": canvas.listening.state(),
    }
