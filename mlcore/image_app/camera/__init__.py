"""The image classifier's camera: the feed, the picker under its picture, and Live."""
