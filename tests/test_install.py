"""A sketch runs from anywhere: after the README's install (`pip install -r requirements.txt -e .`), a copy of a sketch
on the Desktop imports mlcore, run from another folder, with no PYTHONPATH."""

import json
import os
import shutil
import site
import subprocess
import sys

import pytest

from driver import ROOT


def readme_install_line():
    readme = (ROOT / "README.md").read_text()
    return next(line for line in readme.splitlines() if line.startswith("python3 -m venv .venv && .venv/bin/pip"))


def test_the_readmes_install_installs_the_project_itself_in_the_same_command():
    assert "pip install -r requirements.txt -e . &&" in readme_install_line()


def test_a_copy_of_a_sketch_on_the_desktop_runs_after_an_editable_install(tmp_path):
    # The project as a fresh clone holds it (a copy: the install leaves its egg-info there, not in this checkout).
    project = tmp_path / "ml-sketches"
    project.mkdir()
    for name in ("pyproject.toml", "requirements.txt", "README.md"):
        shutil.copy(ROOT / name, project / name)
    for package in ("mlcore", "sketches"):
        shutil.copytree(ROOT / package, project / package, ignore=shutil.ignore_patterns("__pycache__"))
    venv = tmp_path / "venv"
    made = subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], capture_output=True, text=True)
    if made.returncode != 0:
        pytest.skip(f"no venv here: {made.stderr.strip()[-200:]}")
    python = venv / "bin" / "python"
    # The new environment borrows this one's packages (pip, setuptools, pygame, torch: no download), not mlcore.
    own = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    (venv / "lib" / os.path.basename(os.path.dirname(own)) / "site-packages" / "borrowed.pth").write_text(
        "\n".join(site.getsitepackages()) + "\n"
    )
    assert subprocess.run([str(python), "-c", "import mlcore"], cwd=tmp_path, capture_output=True).returncode != 0
    installed = subprocess.run(
        [str(python), "-m", "pip", "install", "--no-deps", "--no-build-isolation", "--no-index", "-e", str(project)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    desktop = tmp_path / "home" / "Desktop"
    desktop.mkdir(parents=True)
    shutil.copy(ROOT / "sketches" / "classification.py", desktop / "my_sketch.py")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}
    done = subprocess.run(
        [str(python), str(desktop / "my_sketch.py"), "--headless", "--max-frames", "3", "--state-json", "state.json"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    state = json.loads((elsewhere / "state.json").read_text())
    assert state["sketch"] == "classification" and state["timing"]["frames"] == 3
    where = subprocess.run(
        [str(python), "-c", "import mlcore; print(mlcore.__file__)"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert where == str(project / "mlcore" / "__init__.py")  # from the install, not from the Desktop's folder
