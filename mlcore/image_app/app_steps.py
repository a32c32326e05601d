"""The image app's own steps (what each starts, and what its result updates) and what the app does when a step
ends: the steps of the pipeline itself (load, extract, train) are given to the queue where it is made."""

from mlcore.image_app.steps import step_name


def add_steps(app):
    """Give the app's queue its other steps: split or save your own classes, predict, export, save or load a model;
    the paths they write go to `app.saved`."""
    steps, pipeline, saved = app.steps, app.pipeline, app.saved
    steps.add_step("collection", app.own.start_split)
    steps.add_step(
        "save_dataset",
        lambda argument: app.own.start_save(argument, app.edits.changes()),
        lambda _, result: saved.update(app.own.saved(result)),
    )
    steps.add_step("predict", app.predictions.start, app.predictions.finished)
    steps.add_step("export", app.exports.start_job, lambda _, result: saved.update(app.exports.saved(result)))
    steps.add_step("save_model", pipeline.save_model_file, lambda _, result: saved.update(app.models.saved(result)))
    steps.add_step("load_model", pipeline.load_model_file, lambda _, result: saved.update(loaded_model=result["path"]))


def ask_with_data(app, step, argument=None):
    """Queue `step` (extract, train) once a dataset is loaded or on its way, else say to load one first; images
    recorded since the collection became the dataset join it first."""
    steps = app.steps
    if app.own.has_new_recordings(app.data_page.collecting) and "collection" not in steps:
        app.collector.stop_recording()
        steps.ask("collection")
    if app.pipeline.dataset is None and not (steps.pending("load") or steps.pending("collection")):
        app.say("load a dataset first (page 1)", problem=True)
    else:
        steps.ask(step, argument)


def finish_step(app):
    """Once the started step has ended: drop the steps that needed it if it failed, hand on what it gave."""
    ended = app.steps.ended()
    if ended is None:
        return
    step, argument, job = ended
    app.session.step_ended(step, argument, job)
    if step == "train" and job.result is not None:  # a stopped training has results too: what it learned so far
        app.training_page.show_model(app.pipeline.model)
        if app.training_done is not None:
            app.training_done(job.result)
    if job.status in ("failed", "cancelled"):
        app.messages.collect(app.pipeline)
        if job.error:
            app.messages.mark_problem(job.error, step_name(step))
        if job.status == "failed":
            app.batch.step_failed(step, job.error, [waiting for waiting, _ in app.steps.waiting])
        app.steps.drop_after(step)
        return
    app.steps.finish(step, argument, job.result)
