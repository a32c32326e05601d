"""The image classifier as a student edits it: a bad knob is named and refused while the data stays browsable;
saving the file while it runs keeps the data, features, runs, model and page, with the knobs the file changed; a knob
edited since the last session wins over the session's setting. (What a failed step or a folder that cannot be
written says: test_image_failures.py.)"""

from driver import key, run_sketch
from test_image_classifier import env_for, wait
from test_reload import Editor
from test_student_mistakes import line_of, student_copy

IDLE = wait({"idle": True, "dataset": "builtin"})


def test_bad_knobs_are_named_t_refuses_and_the_data_stays_browsable(tmp_path):
    edits = [("EPOCHS = 15\n", "EPOCHS = 0\n"), ("FEATURES = None ", 'FEATURES = "resnet" ')]
    sketch, source = student_copy(tmp_path, edits, name="image_classifier")
    refused_t = key("t") + wait({"page": "Data"}, timeout_s=5)  # a T that is refused stays on its page
    run = run_sketch(sketch, IDLE + refused_t + key("2", after=5), sketch.parent, env=env_for(tmp_path))
    epochs = "EPOCHS must be a whole number from 1 to 10000 (it is 0)"
    features = 'FEATURES must be None or one of "stored", "efficientnet_lite0", "mobilenet_v3_small"'
    features_line = next(n for n, text in enumerate(source.splitlines(), 1) if text.startswith('FEATURES = "resnet"'))
    messages = run.state["runtime_messages"]  # in the order of the file's lines, each once
    assert len(messages) == 2 and messages[0].startswith(f"my_image_classifier.py:{features_line}: {features}")
    assert messages[1] == f"my_image_classifier.py:{line_of(source, 'EPOCHS = 0')}: {epochs}"
    assert "Traceback" not in run.output and run.returncode == 1, run.output
    state = run.state
    assert state["dataset"] == "builtin" and state["page"] == "Features"  # the data loaded, the pages go on
    assert epochs in state["problem_messages"] and state["training"]["status"] == "idle"  # T refused in its words


def test_a_reload_keeps_the_work_the_edited_knobs_win_and_one_training_process_runs(tmp_path):
    folder = tmp_path / "student"
    sketch, _ = student_copy(tmp_path, [], name="image_classifier")
    edits = [
        [("EPOCHS = 15\n", "EPOCHS = 3\n")],
        [("HIDDEN_LAYERS = [64, 32] ", "HIDDEN_LAYERS = [16] ")],
        [('TITLE = "Image classifier"', 'TITLE = "Fruit"')],
    ]
    trained = wait({"training.status": "done", "idle": True})
    actions = IDLE + key("t") + trained + key("4")  # trained once, then the Testing page
    for count in (1, 2, 3):  # M writes the model file: the editor then saves the sketch once
        actions += key("m") + wait({"reloads.done": count, "idle": True})
    actions += wait({"page": "Testing"}, timeout_s=5)  # the reloads kept the page
    actions += key("t") + trained  # T shows the Training page
    editor = Editor(folder, sketch, edits, pattern="*.model.pt")
    editor.start()
    try:
        env = env_for(tmp_path)
        run = run_sketch(sketch, actions, folder, "--features", "color_histogram", "--reload", env=env, timeout=600)
    finally:
        editor.finished.set()
        editor.join(timeout=10)
    assert run.returncode == 0, run.output
    state = run.state
    assert state["reloads"] == {"done": 3, "failed": 0} and len(editor.done) == 3
    assert state["dataset"] == "builtin" and state["features"]["name"] == "color_histogram"
    assert len(state["runs"]) == 2 and state["page"] == "Training"  # the first run kept
    assert state["params"]["epochs"] == 3 and state["params"]["hidden_layers"] == [16]
    assert len(state["training"]["loss"]) == 3  # the second training used the edited knobs
    assert (
        "the file changed EPOCHS = 3" in state["messages"]
        and "the file changed HIDDEN_LAYERS = [16]" in (state["messages"])
    )
    assert state["process"]["child_processes"] == 1  # one training process after three reloads


def test_a_bad_knob_saved_while_it_runs_is_named_t_refuses_and_its_fix_trains(tmp_path):
    sketch, _ = student_copy(tmp_path, [], name="image_classifier")
    edits = [[("EPOCHS = 15\n", "EPOCHS = 0\n")], [("EPOCHS = 0\n", "EPOCHS = 2\n")]]
    refused = "EPOCHS must be a whole number from 1 to 10000 (it is 0)"
    actions = (
        wait({"idle": True, "features.ready": True, "reloads.done": 1})  # the session written: the first edit
        + key("t")
        + key("2", after=5)  # the page changes, the session is written again: the fix
        + wait({"reloads.done": 2})
        + key("t")
        + wait({"training.status": "done", "idle": True})
    )
    env = env_for(tmp_path)
    editor = Editor(tmp_path / "cache" / "session", sketch, edits, pattern="*.npz")  # cued by the session's writes
    editor.start()
    try:
        run = run_sketch(sketch, actions, sketch.parent, "--features", "color_histogram", "--reload", env=env)
    finally:
        editor.finished.set()
        editor.join(timeout=10)
    assert run.returncode == 1, run.output  # the bad knob was an error of the sketch's, shown while it lasted
    state = run.state
    assert state["reloads"] == {"done": 2, "failed": 0}
    assert refused in state["problem_messages"] and len(state["runs"]) == 1  # T refused once, then trained
    assert state["params"]["epochs"] == 2 and len(state["training"]["loss"]) == 2
    assert "the file changed EPOCHS = 2" in state["messages"]
    assert not any(refused in message for message in state["runtime_bar"])  # the fix took the knob off the red bar


def test_a_knob_edited_since_the_last_session_wins_over_its_setting(tmp_path):
    env = env_for(tmp_path)
    sketch, _ = student_copy(tmp_path, [("EPOCHS = 15\n", "EPOCHS = 2\n")], name="image_classifier")
    trained = wait({"training.status": "done", "idle": True}) + wait({"session.up_to_date": True})
    first = run_sketch(sketch, IDLE + key("t") + trained, sketch.parent, "--features", "color_histogram", env=env)
    assert first.returncode == 0 and first.state["params"]["epochs"] == 2, first.output
    sketch.write_text(sketch.read_text().replace("EPOCHS = 2\n", "EPOCHS = 3\n"))
    restored = wait({"session.restoring": False, "training.status": "done", "idle": True})
    again = run_sketch(sketch, restored, sketch.parent, "--restore", env=env)
    assert again.returncode == 0, again.output
    state = again.state
    assert len(state["runs"]) == 1 and state["training"]["epochs"] == 2  # the session's run and model came back
    assert state["params"]["epochs"] == 3 and state["params"]["hidden_layers"] == [64, 32]
    assert "the file changed EPOCHS = 3 since the last session: used instead of the session's" in state["messages"]


def test_a_bad_width_lays_the_app_out_at_the_size_the_runtime_opens_the_window_at():
    from mlcore.image_app import knobs
    from mlcore.knob_rules import DEFAULT_SIZE

    assert knobs.window_size({"WIDTH": "1200", "HEIGHT": 660}) == {"width": DEFAULT_SIZE[0], "height": 660}
    assert knobs.window_size({"WIDTH": 1200, "HEIGHT": 660}) == {}  # good knobs: the app reads them itself
