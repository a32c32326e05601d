"""Live prediction rate: camera frames → EfficientNet-Lite0 features → MLP → confidences, on the CPU.

    python benchmarks/bench_live.py [SECONDS]

A generated video plays as the camera (60 frames per second, looped), a model is trained on the built-in dataset,
and the live predictor runs for a few seconds. The figure is predictions per second; the target is 15 or more on
2 CPU cores.
"""

import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mlcore.data.camera import Camera  # noqa: E402
from mlcore.image_app.camera.predictor import LivePredictor  # noqa: E402
from mlcore.image_engine.pipeline import ImagePipeline  # noqa: E402


def make_video(path, frames=60):
    import cv2

    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 30, (320, 240))
    rng = np.random.default_rng(0)
    for i in range(frames):
        image = np.full((240, 320, 3), 90, np.uint8)
        cv2.circle(image, (80 + 3 * i, 120), 50, (30, 60 + 2 * i, 220), -1)
        writer.write(np.clip(image + rng.integers(0, 20, image.shape), 0, 255).astype(np.uint8))
    writer.release()


def main(seconds=8.0):
    from mlcore.ml.trainer_process import TrainerProcess

    with tempfile.TemporaryDirectory() as folder:
        os.environ.setdefault("ML_SKETCHES_CACHE", folder)
        pipeline = ImagePipeline(cache_folder=folder)
        pipeline.run_all("builtin", features="efficientnet_lite0").wait()
        print(f"model: builtin, efficientnet_lite0, test accuracy {pipeline.test_accuracy:.2f}")
        video = Path(folder, "camera.avi")
        make_video(video)
        process = TrainerProcess().start()
        process.ready.wait(120)
        # In a notebook the features are computed in its own process; the window hands them to the torch process.
        for where, worker in (("in this process", None), ("through the torch process (the window's way)", process)):
            camera = Camera(video, fps=60, loop=True).start()  # faster than a webcam: the predictor sets the pace
            live = LivePredictor(camera, pipeline.model, "efficientnet_lite0", worker=worker).start()
            time.sleep(2.0)  # the model's first pass loads it
            start, first = time.perf_counter(), live.count
            time.sleep(seconds)
            made = live.count - first
            elapsed = time.perf_counter() - start
            live.stop()
            camera.stop()
            print(
                f"live prediction {where}: {made / elapsed:.1f} predictions/s over {elapsed:.1f} s "
                f"(camera delivered {camera.measured_fps:.1f} frames/s)   target: >= 15/s on {os.cpu_count()} cores"
            )
        process.close()


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 8.0)
