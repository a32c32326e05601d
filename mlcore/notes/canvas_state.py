"""The note canvas's state as plain JSON values: what a test, a replay's wait or `--state-json` reads."""

from mlcore.notes.bars import click_words
from mlcore.notes.canvas_files import file_state
from mlcore.widgets import theme


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
    samples = [{"x": s.x, "y": s.y, "label": s.note, **canvas.task.state_fields(s)} for s in canvas.samples]
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
        "display": theme.report(),
        "network_file": file_state(network.file_job if network is not None else None),
        "popup": {"visible": canvas.show_popup, "epochs_shown": canvas.epochs_shown()},
        "layout": canvas.layout.state(canvas.show_popup),
        "stacks": canvas.sample_layer.state(),
        "click": click_words(canvas)[0],
        "drag": canvas.listening.state(),
    }
