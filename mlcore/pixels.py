"""Pictures as numpy arrays: what every part that takes an image accepts."""

import numpy as np


def as_rgb(image):
    """`image` as an H x W x 3 uint8 array: a grey image (H x W or H x W x 1) gets three equal channels, RGBA
    loses its alpha.

    Raises ValueError, saying what the array is, for anything else (another dtype, another shape, no pixels).
    """
    image = np.asarray(image)
    if image.dtype != np.uint8:
        raise ValueError(f"is {image.dtype}, not uint8 RGB (0-255 pixels)")
    if image.ndim == 3 and image.shape[2] == 1:
        image = image[:, :, 0]
    if image.ndim == 2:
        image = np.repeat(image[:, :, None], 3, axis=2)
    elif image.ndim == 3 and image.shape[2] == 4:
        image = image[:, :, :3]
    if image.ndim != 3 or image.shape[2] != 3 or min(image.shape[:2]) == 0:
        raise ValueError(f"has shape {image.shape}, not H x W x 3 RGB")
    return image
