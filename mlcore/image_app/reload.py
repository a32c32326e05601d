"""Live reload of the image classifier: the window that was running goes on with the saved file's code.

Saving the sketch runs its file again (the runtime's live reload): the new module makes a new ImageApp, its `setup`
queues the command line's steps, and the runtime then calls the new app's `carry_over(old)`, which lands here. The
new app takes the old one's state whole: the dataset and its edits, the features, the runs and models, the page,
the camera, the messages and the one training process (the new app's was never started: it starts on the first
frame). From the new code come `build_model`, `training_done` and the knobs the file changed, which the bar names.
"""

import copy

from mlcore.image_app import knobs


def take_over(new, old):
    """`new` (the saved file's app) goes on as `old` did, with the new code's build_model, training_done and
    knobs."""
    build_model, training_done = new.pipeline.training.build_model, new.training_done
    values, problems = new.knob_values, new.knob_problems
    discard(new)
    # One state for both objects: the parts the old app made hold its bound methods (train, say…), so what either
    # object changes, the other sees.
    new.__dict__ = old.__dict__
    new.pipeline.training.build_model, new.training_done = build_model, training_done
    new.knob_problems = problems
    edited = {name: values[name] for name in knobs.changed(new.knob_values, values) if name in values}
    new.knob_values = copy.deepcopy(values)
    usable = {name: value for name, value in edited.items() if knobs.problem(name, value) is None}
    for name, value in usable.items():
        use_knob(new, name, value)
    if usable:
        new.say(f"the file changed {knobs.listed(usable)}")
    if {"WIDTH", "HEIGHT"} & set(usable):
        new.say("the pages keep their size until the sketch starts again (WIDTH and HEIGHT)", problem=True)


def discard(app):
    """Release what the new code's app opened in its `setup` (a camera, a collection's writer): the old app's own
    go on."""
    app.live.quit()
    if app.own.collection is not None:
        app.own.collection.close(timeout=0)


def use_knob(app, name, value):
    """A knob the saved file changed, taking effect in the running app."""
    key = knobs.KNOBS[name]
    pipeline = app.pipeline
    if key in pipeline.params:
        pipeline.params[key] = copy.deepcopy(value)
    elif key == "dataset":
        app.dataset_spec = value
        app.load(value)
    elif key == "features":
        app.features = value
        if value:
            pipeline.features_name = value
    elif key == "camera":
        app.camera.use(value)
    elif key == "record_rate":
        app.collector.rate = float(value)
    elif key == "test_fraction":
        app.own.test_fraction = value
