"""Every test runs headless: no window, no sound device.

`ML_SKETCHES_TEST_SHARED=/some/folder pytest` reads the course's files from that folder instead of ../shared:
pointed at a folder that does not exist, it shows which tests skip in a fresh clone, where there is no ../shared.
"""

import os
import sys
from pathlib import Path

import pytest

from driver import scratch_folder  # importing the driver also makes every sketch headless (SDL's dummy drivers)
from mlcore.widgets import theme

# The sketches' cache (datasets, features, the built-in images) in a folder of the test run, not the user's.
os.environ.setdefault("ML_SKETCHES_CACHE", str(scratch_folder("ml-sketches-tests-")))

SHARED = Path(__file__).resolve().parents[2] / "shared"
SHARED_OVERRIDE = os.environ.get("ML_SKETCHES_TEST_SHARED")


@pytest.fixture(autouse=True)
def nothing_drawn_yet():
    """Each test starts with the default theme at scale 1: a window an earlier test opened at half the canvas's
    size must not change where this test's pages lay out their buttons."""
    theme.reset()


def pytest_report_header(config):
    folder = Path(SHARED_OVERRIDE) if SHARED_OVERRIDE else SHARED
    where = "present" if (folder / "datasets").is_dir() else "absent: the tests that need them skip"
    return f"the course's dataset files ({folder / 'datasets'}): {where}"


def pytest_collection_modifyitems(session, config, items):
    """With ML_SKETCHES_TEST_SHARED set, every path under ../shared in a test module points under it instead."""
    if not SHARED_OVERRIDE:
        return
    modules = {item.module for item in items if getattr(item, "module", None) is not None}
    modules |= {module for name, module in sys.modules.items() if name == "driver"}
    for module in modules:
        for name, value in list(vars(module).items()):
            if isinstance(value, Path) and value.is_relative_to(SHARED):
                setattr(module, name, Path(SHARED_OVERRIDE) / value.relative_to(SHARED))
