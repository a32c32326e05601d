"""Live prediction: classify a camera's newest frame over and over, on a thread, and report the rate achieved.

    live = LivePredictor(camera, model, "efficientnet_lite0").start()
    ...                                  # every frame of the sketch: live.result, live.rate, live.error
    live.stop()

The draw loop only reads `result` (a list of (label, probability), likeliest first), `frame` (the image it belongs
to), `rate` (predictions per second, measured) and `error`. Frames that arrive while a prediction runs are
skipped: the predictor always works on the newest one, so the bars follow the camera without falling behind.
"""

import threading
import time

from mlcore.jobs import Cancelled
from mlcore.ml.in_process import InProcess
from mlcore.ml.models import ranked


class LivePredictor:
    """A thread that extracts features of the camera's newest frame and asks the model about it."""

    def __init__(self, camera, model, extractor, device=None, worker=None):
        if extractor == "stored":
            raise ValueError("live prediction needs an extractor that can see new images, not 'stored'")
        self.camera = camera
        self.model = model
        self.extractor = extractor
        self.device = device
        self.worker = worker if worker is not None else InProcess()  # a window's: a process of its own
        self.result = []
        self.frame = None
        self.count = 0  # predictions made
        self.rate = 0.0  # predictions per second over the last few
        self.error = ""
        self._stop = threading.Event()
        self._thread = None
        self._times = []

    def start(self):
        self._thread = threading.Thread(target=self._run, name="live prediction", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout=5.0):
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    @property
    def running(self):
        return self._thread is not None and self._thread.is_alive()

    def _run(self):
        seen = -1
        try:
            while not self._stop.is_set():
                frame, number = self.camera.latest()
                if frame is None or number == seen:
                    if self.camera.status in ("failed", "ended", "stopped") and number == seen:
                        self.error = self.camera.error or self.camera.message or "the camera stopped"
                        return
                    time.sleep(0.005)
                    continue
                seen = number
                vector, _ = self.worker.extract(
                    self.extractor, [frame], device=self.device, should_stop=self._stop.is_set
                )
                self.result = ranked(self.model, self.model.predict_proba(vector)[0])
                self.frame = frame
                self.count += 1
                now = time.perf_counter()
                self._times = (self._times + [now])[-16:]
                if len(self._times) >= 2:
                    self.rate = (len(self._times) - 1) / (self._times[-1] - self._times[0])
        except Cancelled:
            return  # stopped while a frame was being looked at
        except Exception as error:  # shown on screen by the sketch
            self.error = f"live prediction stopped: {error}"
