"""The camera's lifecycle and Live mode: open the camera when a view needs it, close it when none does, and keep
a `LivePredictor` running for the current model while Live is on."""

from mlcore.image_app.camera.feed import CameraFeed
from mlcore.image_app.camera.predictor import LivePredictor
from mlcore.image_engine.pipeline import STORED_CANNOT_PREDICT


class CameraView:
    """The one camera feed, and Live: wanted or not, its predictor, the extractor it runs."""

    def __init__(self, source, say, worker=None):
        self.feed = CameraFeed(source)  # opened only when a view needs it; the same feed whatever it shows
        self.say = say  # where messages go: say(text, problem=False)
        self.wanted = False
        self.predictor = None  # the LivePredictor while Live runs
        self.extractor = None
        self.worker = worker  # where Live's features are computed: the pipeline's worker (None: in this process)

    def toggle(self, model, extractor):
        """Live on or off; True when it was turned on (the app then shows the Deployment page)."""
        if self.wanted:
            self.stop()
            self.say("live stopped")
            return False
        if model is None:
            self.say("no model yet: train one (page 3) or load one, then press Live", problem=True)
            return False
        if extractor == "stored":
            self.say(STORED_CANNOT_PREDICT, problem=True)
            return False
        self.wanted = True
        self.say(f"live: on, {self.feed.name} (L stops it)")
        return True

    def stop(self):
        self.wanted = False
        if self.predictor is not None:
            self.predictor.stop()
            self.predictor = None

    def update(self, collector, collecting, model, extractor, device=None):
        """Once a frame: record, start or restart Live for the current model, close the camera nobody needs."""
        feed = self.feed
        if not collecting:
            collector.stop_recording()
        elif feed.camera is None:
            feed.open()  # back on the New dataset view: its camera was closed while away
        news = feed.news()  # the camera failed, or a video ended: said once
        if news:
            if collector.recording:
                collector.stop_recording(news)
            else:
                self.say(news, problem=True)
            if self.wanted and feed.camera.status == "failed":
                self.stop()
        collector.update()
        self._follow(model, extractor, device)
        if not collecting and not self.wanted and feed.camera is not None:
            feed.close()

    def _follow(self, model, extractor, device):
        """Keep the predictor on the current model and camera, or stop it with the reason."""
        live = self.predictor
        if self.wanted and live is not None and (live.model is not model or live.camera.camera is not self.feed.camera):
            # Trained again, another model loaded, no model while training, another camera: the answers are stale.
            live.stop()
            self.predictor = live = None
        if live is not None and live.error:
            self.say(live.error, problem=True)
            self.stop()
            live = None
        if self.wanted and live is None and model is not None:
            if extractor == "stored":
                self.say(STORED_CANNOT_PREDICT, problem=True)
                self.stop()
            else:
                self.feed.open(loop=True)  # a video or a folder plays on and on for a demo
                self.predictor = LivePredictor(
                    self.feed.squared(), model, extractor, device=device, worker=self.worker
                ).start()
                self.extractor = extractor

    def quit(self):
        """Stop Live and release the camera; stopped, not forgotten: the state JSON still tells what they did."""
        if self.predictor is not None:
            self.predictor.stop()
        if self.feed.camera is not None:
            self.feed.camera.stop(timeout=0.5)

    def state(self):
        live = self.predictor
        return {
            "running": bool(live and live.running),
            "wanted": self.wanted,
            "rate": round(live.rate, 1) if live else 0.0,
            "count": live.count if live else 0,
            "ready": bool(live and live.result),
            "result": [[label, round(p, 4)] for label, p in live.result] if live else [],
            "extractor": self.extractor if live else None,
            "error": live.error if live else "",
        }
