"""The image classifier's window: its pages, bars, camera and Live, over the engine in `mlcore.image_engine`."""
