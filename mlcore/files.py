"""Writing files so that a crash, a full disk or an interrupted write never leaves half a file behind."""

import os
import tempfile
from pathlib import Path


def write_atomically(path, content):
    """Write `content` to `path` through a temporary file beside it, then rename it into place.

    `content` is bytes, a str (written as UTF-8), or a function that writes to the open binary file (for
    `np.save` or `torch.save`). An OSError (read-only folder, full disk) reaches the caller; no temporary file
    stays behind either way.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as file:
            if callable(content):
                content(file)
            else:
                file.write(content.encode("utf-8") if isinstance(content, str) else content)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
