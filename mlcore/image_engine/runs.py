"""Every training of the session, kept: the runs table of the Training page, and the way back to any run's model.

Each run is a row of plain values (`runs_state`) and what it left (model, curves, confusion matrices, the features
it learned from), so that `show_run` brings a run back whole: the Testing and Deployment pages then read it as
they read the newest one. This answers the course's "how could you improve the result?" by comparison.
"""

ROW_KEYS = ("number", "dataset", "features", "hidden_layers", "activation", "dropout", "epochs", "batch_size",
            "learning_rate", "augmentation", "train_accuracy", "validation_accuracy", "test_accuracy", "seconds")
KEPT = ("model", "_history", "confusion_train", "confusion_test", "train_accuracy", "test_accuracy", "predictions",
        "_trained_on", "train_features", "test_features", "_extracted", "_compute_device", "_epochs_planned")


class Runs:
    """The runs part of `ImagePipeline` (which supplies the results, `dataset` and `_note`)."""

    def _init_runs(self):
        self._runs = []  # (row, what the run left, its dataset)
        self.run_shown = None  # the index of the run now on the pages, or None before the first

    def _record_run(self, model, settings, seconds):
        """A training ended (done or stopped): its row, and what it left, join the table."""
        history = self.history
        row = {
            "number": len(self._runs) + 1,
            "dataset": self.dataset.name,
            "features": self._trained_on,
            "hidden_layers": list(getattr(model, "hidden_layers", settings["hidden_layers"])),
            "activation": getattr(model, "activation", settings["activation"]),
            "dropout": float(getattr(model, "dropout", settings["dropout"])),
            "epochs": len(history["loss"]),
            "batch_size": int(getattr(model, "batch_size", settings["batch_size"])),
            "learning_rate": float(getattr(model, "learning_rate", settings["learning_rate"])),
            "augmentation": self.augmentation["copies"],  # changed copies of each training image it also saw
            "train_accuracy": self.train_accuracy,
            "validation_accuracy": history["val_accuracy"][-1] if history["val_accuracy"] else None,
            "test_accuracy": self.test_accuracy,
            "seconds": round(float(seconds), 2),
        }
        self._runs.append((row, {name: getattr(self, name) for name in KEPT}, self.dataset))
        self.run_shown = len(self._runs) - 1

    def runs_state(self) -> list[dict]:
        """The table's rows, oldest first, as plain values."""
        return [dict(row) for row, _, _ in self._runs]

    def show_run(self, index) -> bool:
        """Bring back run `index` (0 is the first): its model, curves and confusion matrices. False, with a
        message, for a run of another dataset or one that does not exist."""
        if not 0 <= index < len(self._runs):
            self._note(f"no run {index + 1}: there are {len(self._runs)}")
            return False
        row, kept, dataset = self._runs[index]
        if dataset is not self.dataset:
            self._note(f"run {row['number']} was trained on {row['dataset']}, which is not loaded now")
            return False
        for name, value in kept.items():
            setattr(self, name, value)
        self._training = "done"
        self.run_shown = index
        self._note(f"run {row['number']}: {row['features']}, hidden layers {row['hidden_layers'] or 'none'}, "
                   f"{row['activation']}: its curves and confusion matrices are back")
        return True
