"""The report document (mlcore/report.py, no pygame): its PNG encoder, Markdown and HTML that reference every
picture, a new folder for every report, files under the umask, nothing half-written left behind, and a window's
report whose pictures are drawn a few a frame before its job writes them."""

import base64
import io
import os
import re
import shutil
import stat
import subprocess
import zipfile

import pygame
import pytest

from mlcore import report as report_module
from mlcore.jobs import Job
from mlcore.report import Pixels, Report


def gradient(width, height):
    """RGB rows whose every pixel differs from its neighbours: a decoder that mixed up rows or channels shows."""
    return bytes(
        (x * 7 + y * 3 + channel * 50) % 256 for y in range(height) for x in range(width) for channel in range(3)
    )


def decoded(png):
    return pygame.image.load(io.BytesIO(png), "picture.png")


def a_report():
    report = Report("Lesson", "today")
    report.heading("Pictures")
    report.figure("drawn.png", Pixels(37, 11, gradient(37, 11)), "Rows of RGB, encoded when written", density=2)
    surface = pygame.Surface((5, 4))
    surface.fill((10, 200, 30))
    buffer = io.BytesIO()
    pygame.image.save(surface, buffer, "x.png")
    report.figure("saved.png", buffer.getvalue(), "A PNG file's bytes")
    report.table(["run", "accuracy"], [[1, 0.75], [2, "a|b"]], "Runs")
    report.question("Does the model beat guessing?")
    report.paragraph("Guessing scores 25% & <more>.")
    report.attach("notes.txt", "plain text\n")
    return report


def test_pixels_encode_as_a_png_with_the_same_pixels():
    rgb = gradient(37, 11)
    picture = decoded(Pixels(37, 11, rgb).png())
    assert picture.get_size() == (37, 11)
    for x, y in ((0, 0), (36, 0), (0, 10), (36, 10), (17, 5)):
        start = (y * 37 + x) * 3
        assert tuple(picture.get_at((x, y)))[:3] == tuple(rgb[start : start + 3])


def test_pixels_with_an_unused_fourth_byte_encode_as_the_same_picture():
    rgb = gradient(37, 11)
    rgbx = b"".join(rgb[start : start + 3] + b"\x99" for start in range(0, len(rgb), 3))  # the window's layout
    assert Pixels(37, 11, rgbx, channels=4).png() == Pixels(37, 11, rgb).png()


def test_markdown_and_html_hold_every_part_in_order():
    report = a_report()
    markdown, page = report.markdown(), report.html()
    assert re.findall(r"!\[[^\]]*\]\(([^)]+)\)", markdown) == ["drawn.png", "saved.png"]
    assert markdown.index("drawn.png") < markdown.index("| run | accuracy |") < markdown.index("### Does the model")
    assert "| 2 | a\\|b |" in markdown and "### Does the model beat guessing?\n\n\n" in markdown
    images = re.findall(r'<img src="data:image/png;base64,([^"]+)"[^>]*width="(\d+)" height="(\d+)"', page)
    assert [(decoded(base64.b64decode(data)).get_size(), (int(w), int(h))) for data, w, h in images] == [
        ((37, 11), (18, 5)),  # drawn at twice the resolution: shown at half its pixels
        ((5, 4), (5, 4)),
    ]
    assert '<h3>Does the model beat guessing?</h3>\n<p class="answer">' in page
    assert "Guessing scores 25% &amp; &lt;more&gt;." in page


def test_every_report_gets_a_new_folder_under_the_umask(tmp_path):
    previous = os.umask(0o027)
    try:
        first, _ = a_report().write("lesson", [tmp_path])
        second, _ = a_report().write("lesson", [tmp_path])
    finally:
        os.umask(previous)
    assert first != second and first.parent == second.parent == tmp_path
    for folder in (first, second):
        assert sorted(p.name for p in folder.iterdir()) == [
            "drawn.png",
            "notes.txt",
            "report.html",
            "report.md",
            "saved.png",
        ]
        assert stat.S_IMODE(folder.stat().st_mode) == 0o750
        assert all(stat.S_IMODE(path.stat().st_mode) == 0o640 for path in folder.iterdir())
        assert decoded((folder / "drawn.png").read_bytes()).get_size() == (37, 11)


def test_a_write_that_fails_half_way_leaves_no_folder_and_says_why(tmp_path, monkeypatch):
    real = report_module.write_atomically
    written = []

    def full_disk(path, content):
        if written:
            raise OSError(28, "No space left on device")
        written.append(path)
        real(path, content)

    monkeypatch.setattr(report_module, "write_atomically", full_disk)
    folder, failure = a_report().write("lesson", [tmp_path / "here"])
    assert folder is None and failure.strerror == "No space left on device"
    assert list((tmp_path / "here").iterdir()) == []


def test_the_job_writes_in_the_background(tmp_path):
    job = a_report().write_later("lesson", [tmp_path])
    assert job.wait(30) == "done"
    folder, failure = job.result
    assert failure is None and (folder / "report.html").is_file()


@pytest.mark.parametrize("name", ["drawn.png", "saved.png"])
def test_every_picture_is_a_file_beside_the_markdown(tmp_path, name):
    folder, _ = a_report().write("lesson", [tmp_path])
    assert f"]({name})" in (folder / "report.md").read_text() and (folder / name).is_file()


def drawn_later(drawn, number):
    """A picture drawn when the report's turn comes: it notes its number in `drawn`."""

    def draw():
        drawn.append(number)
        return Pixels(37, 11, gradient(37, 11))

    return draw


def test_a_windows_report_draws_its_pictures_a_few_a_frame_then_writes_them(tmp_path):
    drawn, report = [], Report("Lesson", "today")
    for number in range(3):
        report.figure(f"picture-{number}.png", drawn_later(drawn, number), f"Picture {number}", density=2)
    job = report.write_in_frames("lesson", [tmp_path])
    job.step()  # the frame that made the report: reading its numbers was that frame's share
    assert drawn == [] and job.drawing and job.running  # running: a replay's wait for idle waits for it
    job.step(budget=0)  # one picture a frame at least; none begun once the frame's share is spent
    assert drawn == [0]
    job.step(budget=0)
    assert drawn == [0, 1] and job.running  # the files wait for the last picture
    assert job.wait(30) == "done" and drawn == [0, 1, 2]  # at quit: what is left is drawn at once
    folder, failure = job.result
    assert failure is None and sorted(p.name for p in folder.glob("*.png")) == [f"picture-{n}.png" for n in range(3)]
    assert decoded((folder / "picture-2.png").read_bytes()).get_size() == (37, 11)
    assert 'width="18" height="5"' in (folder / "report.html").read_text()


def test_a_report_whose_window_closes_before_its_pictures_are_drawn_writes_nothing(tmp_path):
    drawn, report = [], Report("Lesson", "today")
    report.figure("picture.png", drawn_later(drawn, 0), "Picture")
    job = report.write_in_frames("lesson", [tmp_path])
    job.cancel()  # as the runtime's shutdown does
    assert Job.wait(job, 5) == "cancelled" and drawn == [] and list(tmp_path.iterdir()) == []


def test_write_later_draws_the_pictures_left_first(tmp_path):
    drawn, report = [], Report("Lesson", "today")
    report.figure("picture.png", drawn_later(drawn, 0), "Picture")
    job = report.write_later("lesson", [tmp_path])
    assert drawn == [0] and job.wait(30) == "done" and (job.result[0] / "picture.png").is_file()


def test_the_html_becomes_a_word_document_with_every_picture_and_question(tmp_path):
    """What a paste into Word keeps, checked through the office suite's own HTML import: `report.html` saved as a
    Word document (.docx) holds every picture, the table and the questions with their space for an answer."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        pytest.skip("no LibreOffice (soffice) here to read the HTML as a word processor does")
    folder, _ = a_report().write("lesson", [tmp_path])
    command = [
        office,
        "--headless",
        f"-env:UserInstallation=file://{tmp_path}/office",
        "--convert-to",
        "docx:MS Word 2007 XML",
    ]
    subprocess.run([*command, "--outdir", str(tmp_path), str(folder / "report.html")], check=True, timeout=180)
    with zipfile.ZipFile(tmp_path / "report.docx") as document:
        pictures = [name for name in document.namelist() if name.startswith("word/media/")]
        text = re.sub(r"<[^>]+>", " ", document.read("word/document.xml").decode())
    assert len(pictures) == 2
    assert "Does the model beat guessing?" in text and "accuracy" in text and "Guessing scores 25% &amp;" in text
