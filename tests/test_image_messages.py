"""What the image classifier's messages say and where: true words for a repeated key, the whole text of every
message in the list of all messages, the last session's offer on the screen at the projector's size."""

from driver import key, run_sketch
from test_image_classifier import env_for, wait


def test_t_pressed_again_while_training_extracts_its_features_says_it_waits_its_turn(tmp_path):
    actions = (wait({"dataset": "builtin", "idle": True}) + key("t")
               + wait({"job.name": "train", "job.status": "running", "training.epochs_done": 0}) + key("t")
               + wait({"training.status": "done", "idle": True}, timeout_s=240))
    run = run_sketch("image_classifier", actions, tmp_path, "--epochs", "2", env=env_for(tmp_path), timeout=300)
    assert run.returncode == 0, run.output
    messages, problems = run.state["messages"], run.state["problem_messages"]
    assert any(text.startswith("training is already waiting its turn") for text in messages), messages
    assert not any("already" in text for text in problems), problems
