"""The queue of steps a run goes through: load, extract, train, predict… one job at a time, in order.

Steps asked for while a job runs wait in `waiting` and start, in order, when it ends. A step that fails or is
stopped drops the steps that needed it, and says why. Nothing here draws or waits: the app calls `start_next`
and `ended` once a frame.
"""

STEP_NAMES = {
    "load": "loading",
    "extract": "extracting features",
    "train": "training",
    "predict": "predicting",
    "collection": "using your dataset",
    "load_model": "loading the model",
    "save_model": "saving the model",
    "save_dataset": "saving the dataset",
    "export": "exporting the dataset",
    "restore": "continuing the last session",
    "noise or bias": "checking noise or bias",
}


def step_name(step):
    """A step as the message bar says it ("training")."""
    return STEP_NAMES.get(step, step)


def job_running(pipeline, name=None):
    """True while the pipeline's job runs (`name`: while a job of that name runs)."""
    job = pipeline.job
    return bool(job and job.running and (name is None or job.name == name))


class StepQueue:
    """Steps waiting their turn, and the one started last with its job."""

    def __init__(self, starters, say):
        self.starters = starters  # step -> function(argument) that starts it and returns its Job
        self.say = say  # say(text, problem=False): a line on the message bar
        self.waiting = []  # (step, argument), in the order they will start
        self.current = None  # (step, argument, job) started from the queue and not yet seen to end
        self.finishers = {}  # step -> function(argument, result) called once it is done

    def add_step(self, step, starter, finished=None):
        """A step that a part of the window brings (a prediction, an export, restoring a session, a check):
        `starter(argument)` -> its Job; `finished(argument, result)` takes what it gave once it is done."""
        self.starters[step] = starter
        if finished is not None:
            self.finishers[step] = finished

    def running(self, job):
        """What runs (`job`, by name) or waits its turn ("the queued steps"), or None when nothing does."""
        if job is not None and job.running:
            return job.name
        return "the queued steps" if self.waiting else None

    def finish(self, step, argument, result):
        """A step that ended well hands on what it gave (to the `finished` it was added with)."""
        if step in self.finishers:
            self.finishers[step](argument, result)

    def __contains__(self, step):
        """True when `step` waits its turn."""
        return any(waiting == step for waiting, _ in self.waiting)

    def pending(self, step):
        """True when `step` waits its turn or runs now: what is asked for after it will follow it."""
        running = self.current is not None and self.current[0] == step and self.current[2].running
        return running or step in self

    def ask(self, step, argument=None):
        """Queue a step; it starts as soon as nothing else runs (a step already waiting is not queued twice)."""
        if (step, argument) in self.waiting:
            self.say(f"{step_name(step)} is already waiting its turn")
            return
        self.waiting.append((step, argument))

    def instead(self, step, argument=None, stopped=False):
        """Forget the waiting steps: `step` is next. `stopped`: the started step was stopped on purpose, so its
        end must not cancel `step`."""
        if stopped:
            self.current = None
        self.waiting = [(step, argument)]

    def cancel(self):
        """Forget the waiting steps, saying which; True if there were any."""
        if not self.waiting:
            return False
        self.say(f"cancelled: {', '.join(step_name(step) for step, _ in self.waiting)}")
        self.waiting.clear()
        return True

    def start_next(self, busy):
        """Start the first waiting step unless a job runs (`busy`)."""
        if busy or not self.waiting:
            return
        step, argument = self.waiting.pop(0)
        self.current = (step, argument, self.starters[step](argument))

    def ended(self):
        """The started step, (step, argument, job), once its job has ended; else None."""
        if self.current is None or self.current[2].running:
            return None
        ended, self.current = self.current, None
        return ended

    def drop_after(self, step):
        """A step did not finish: the ones waiting needed it, so they are dropped, with a line saying so."""
        if self.waiting:
            dropped = ", ".join(step_name(waiting) for waiting, _ in self.waiting)
            self.say(f"not done, since {step_name(step)} did not finish: {dropped}", problem=True)
            self.waiting.clear()
