"""Save model (M) and Load model: the current model as a file, and a file as the current model."""

from pathlib import Path

from mlcore.image_app.own_classes import safe_file_name


class ModelFiles:
    """Where models are written and read: --save-model, --load-model, else ./<dataset>.model.pt."""

    def __init__(self, app):
        self.app = app
        self.save_to = None  # --save-model
        self.last = None  # the last model file asked for (--load-model, --load, a dropped file)

    def default_path(self):
        dataset = self.app.pipeline.dataset
        return f"{safe_file_name(dataset.name if dataset is not None else 'model')}.model.pt"

    def save(self):
        """Write the model with its classes, extractor and settings, in the background (its turn in the queue)."""
        app = self.app
        if app.pipeline.model is None:
            app.say("no model to save yet: train one on page 3", problem=True)
            return
        app.steps.ask("save_model", str(Path(self.save_to or self.default_path())))

    def saved(self, result):
        """The save step ended well: say where the file is."""
        self.app.saved["model"] = result["path"]
        self.app.say(f"model saved to {result['path']} (classes {', '.join(result['classes'])}); load it with "
                     f"--load-model or drop the file on the window")

    def load(self, path=None):
        """Load a saved model in the background: `path`, else --load-model, else where Save model writes."""
        app = self.app
        if path is None:
            path = self.last or self.save_to or (self.default_path() if app.pipeline.dataset is not None else None)
        if path is None:
            app.say("no model file named: use --load-model PATH or drop a .pt file on the window", problem=True)
            return
        if app.training:
            app.say("training: wait for it to finish, or stop it, then load the model", problem=True)
            return
        self.last = str(path)
        app.steps.ask("load_model", str(path))
