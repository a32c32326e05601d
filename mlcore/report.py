"""A lesson's report for the reflection log: figures, tables, text and the course's questions, in order.

It is written into a new folder (`NAME-report-DATE-TIME`, never an earlier one) as `report.md`, beside its
pictures, and as `report.html`, with every picture inside it (base64 data URIs), so that it opens in a browser and
pastes into a word processor with its pictures. Each question is a heading with an empty line under it for the
student's answer. No pygame here: the pictures arrive as PNG bytes, as `Pixels`, or as functions that draw
them when their turn comes.

    report = Report("Notes classifier")
    report.figure("curves.png", png, "Loss and accuracy, epoch by epoch", density=2)
    report.question("Does the validation loss follow the training loss?")
    folder, failure = report.write("classification")   # or report.write_later(...): a job whose result that is

A window's report (K) is `write_in_frames`: the frame that makes the report reads its numbers; its pictures are then
drawn on the draw loop a few a frame (`ReportJob.step`: none begun after DRAW_S of a frame), so that the window never
stops for them, and its job writes the files once they are all drawn.
"""

import base64
import html
import shutil
import struct
import threading
import time
import zlib
from dataclasses import dataclass
from functools import cached_property

from mlcore.files import first_writable, new_folder, write_atomically
from mlcore.jobs import Cancelled, Job

DRAW_S = 0.008  # no new picture of a report is begun after this many seconds of a frame (one is drawn at least)
WRITING = "writing the report…"  # on the bar while a report's pictures are drawn and its files written


@dataclass(frozen=True)
class Pixels:
    """A picture as rows of RGB bytes (what the window drew), encoded as PNG only when the report is written: the
    encoding runs on the writing thread (zlib lets the draw loop go on meanwhile). `channels` 4: each pixel's three
    bytes are followed by one that is not used (RGBX, the window's own layout: a quick copy on the draw loop), which
    the encoding drops, a row at a time."""

    width: int
    height: int
    rgb: bytes
    channels: int = 3

    def rows(self):
        """Each row's RGB bytes."""
        stride = self.width * self.channels
        for row in range(self.height):
            line = self.rgb[row * stride : (row + 1) * stride]
            if self.channels == 4:
                line = bytearray(line)
                del line[3::4]
            yield bytes(line)

    def png(self):
        rows = b"".join(b"\x00" + line for line in self.rows())
        header = struct.pack(">IIBBBBB", self.width, self.height, 8, 2, 0, 0, 0)  # 8-bit RGB, no interlacing
        return (
            b"\x89PNG\r\n\x1a\n"
            + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(rows, 6))
            + _chunk(b"IEND", b"")
        )


def _chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


@dataclass
class Figure:
    """A picture of the report: its file name, the picture (PNG bytes, `Pixels`, or a function that draws it and
    returns its `Pixels`), caption, and pixels per shown pixel (2: drawn at twice the screen's resolution)."""

    name: str
    picture: object
    caption: str
    density: int = 1

    @property
    def drawn(self):
        return not callable(self.picture)

    def draw(self):
        if not self.drawn:
            self.picture = self.picture()

    @cached_property
    def png(self):
        return self.picture.png() if isinstance(self.picture, Pixels) else self.picture

    @property
    def size(self):
        """(width, height) in pixels."""
        if isinstance(self.picture, Pixels):
            return self.picture.width, self.picture.height
        return struct.unpack(">II", self.picture[16:24])


@dataclass
class Table:
    header: list
    rows: list
    caption: str = ""


@dataclass
class Text:
    text: str
    kind: str = "paragraph"  # or "heading", "question"


class Report:
    """The parts of a report, in order, and the files that go beside it (samples, model summary, runs)."""

    def __init__(self, title, subtitle=""):
        self.title = title
        self.subtitle = subtitle or time.strftime("%Y-%m-%d %H:%M")
        self.parts = []
        self.files = {}  # name -> str or bytes, written beside report.md

    def heading(self, text):
        self.parts.append(Text(text, "heading"))

    def paragraph(self, text):
        self.parts.append(Text(text))

    def question(self, text):
        """One of the course's questions: a heading, then an empty line for the student's answer."""
        self.parts.append(Text(text, "question"))

    def figure(self, name, picture, caption, density=1):
        """A picture with its caption: PNG bytes, `Pixels`, or a function that draws it (called on the draw loop, when
        its turn comes: `draw_pictures`) and returns its `Pixels`."""
        self.parts.append(Figure(name, picture, caption, density))

    def table(self, header, rows, caption=""):
        self.parts.append(Table(list(header), [list(row) for row in rows], caption))

    def attach(self, name, content):
        """A file of its own in the report's folder (named in the report where a part mentions it)."""
        self.files[name] = content

    def figures(self):
        return [part for part in self.parts if isinstance(part, Figure)]

    def draw_pictures(self, budget=None):
        """Draw the pictures not drawn yet, in order: all of them, or (`budget` seconds) as many as that time allows,
        one at least. True once every picture is drawn."""
        started, drew = time.perf_counter(), False
        for figure in self.figures():
            if figure.drawn:
                continue
            if drew and budget is not None and time.perf_counter() - started >= budget:
                return False
            figure.draw()
            drew = True
        return True

    # -- the two documents ------------------------------------------------------------------------------------------
    def markdown(self):
        lines = [f"# {self.title}", "", f"*{self.subtitle}*", ""]
        for part in self.parts:
            if isinstance(part, Figure):
                lines += [f"![{part.caption}]({part.name})", "", f"*{part.caption}*", ""]
            elif isinstance(part, Table):
                lines += _markdown_table(part)
            elif part.kind == "heading":
                lines += [f"## {part.text}", ""]
            elif part.kind == "question":
                lines += [f"### {part.text}", "", "", ""]  # the empty line is the student's
            else:
                lines += [part.text, ""]
        return "\n".join(lines)

    def html(self):
        body = [f"<h1>{_e(self.title)}</h1>", f"<p><em>{_e(self.subtitle)}</em></p>"]
        for part in self.parts:
            if isinstance(part, Figure):
                width, height = part.size
                data = base64.b64encode(part.png).decode("ascii")
                body.append(
                    f'<figure><img src="data:image/png;base64,{data}" alt="{_e(part.caption)}" '
                    f'width="{width // part.density}" height="{height // part.density}">'
                    f"<figcaption>{_e(part.caption)}</figcaption></figure>"
                )
            elif isinstance(part, Table):
                body.append(_html_table(part))
            elif part.kind == "heading":
                body.append(f"<h2>{_e(part.text)}</h2>")
            elif part.kind == "question":
                body.append(f'<h3>{_e(part.text)}</h3>\n<p class="answer">&nbsp;</p>')
            else:
                body.append(f"<p>{_e(part.text)}</p>")
        return HTML_PAGE.format(title=_e(self.title), body="\n".join(body))

    # -- writing ----------------------------------------------------------------------------------------------------
    def write(self, sketch, folders=None):
        """Write the report into a new folder `SKETCH-report-DATE-TIME` in the current folder, else in the user's
        data folder: (its path, None), or (None, the OSError) when neither can be written. A folder that fails
        half-way is removed. Pictures not drawn yet are drawn first (none are left by `write_later` and
        `write_in_frames`, whose jobs call it off the draw loop)."""
        self.draw_pictures()
        stem = f"{sketch}-report-{time.strftime('%Y%m%d-%H%M%S')}"
        return first_writable(lambda parent: self._write_into(new_folder(parent, stem)), folders)

    def write_later(self, sketch, folders=None):
        """`write` on a job of its own (mlcore.jobs): its result is what `write` returns. The pictures not drawn yet
        are drawn first, now."""
        self.draw_pictures()
        return Job("report", lambda job: self.write(sketch, folders)).start()

    def write_in_frames(self, sketch, folders=None):
        """`write_later` for a window: the pictures are drawn a few a frame (`ReportJob.step`, once a frame), the
        files written once they all are."""
        return ReportJob(self, sketch, folders).start()

    def _write_into(self, folder):
        try:
            for figure in self.figures():
                write_atomically(folder / figure.name, figure.png)
            for name, content in self.files.items():
                write_atomically(folder / name, content)
            write_atomically(folder / "report.md", self.markdown())
            write_atomically(folder / "report.html", self.html())
        except OSError:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        return folder


class ReportJob(Job):
    """A report written by its job once the draw loop has drawn its pictures, a few a frame (`step`, once a frame,
    begins none after DRAW_S): the job's thread waits for the last picture, then encodes and writes the files (not
    sooner: its encoding would hold the draw loop up). Its result is what `Report.write` returns; `wait` draws what
    is left at once (at quit, in scripts and tests)."""

    def __init__(self, report, sketch, folders=None):
        super().__init__("report", self._write, sketch, folders)
        self.report = report
        self.pictures_done = threading.Event()
        self.steps = 0

    @property
    def drawing(self):
        """True while pictures are left to draw (the window should keep its frames coming)."""
        return not self.pictures_done.is_set()

    def step(self, budget=DRAW_S):
        """Once a frame, on the draw loop: draw pictures for `budget` seconds (one at least; None: all that are left).
        The first step, in the frame that made the report (reading its numbers was that frame's share), draws none."""
        self.steps += 1
        if self.drawing and (self.steps > 1 or budget is None) and self.report.draw_pictures(budget):
            self.pictures_done.set()

    def wait(self, timeout=None):
        self.step(budget=None)
        return super().wait(timeout)

    def _write(self, _, sketch, folders):
        while not self.pictures_done.wait(0.1):
            if self.cancelled:  # the window closed before the pictures were drawn
                raise Cancelled()
        return self.report.write(sketch, folders)


def ended(job):
    """(folder, None) or (None, why) once the report `job` has ended, for the bar to say; None before it ends, and
    after it was said once."""
    if job is None or job.running or getattr(job, "reported", False):
        return None
    job.reported = True
    return job.result if job.status == "done" else (None, job.error)


def _e(text):
    return html.escape(str(text))


def _markdown_table(table):
    def row(cells):
        return "| " + " | ".join(str(cell).replace("|", "\\|") for cell in cells) + " |"

    lines = [row(table.header), "|" + "---|" * len(table.header)] + [row(cells) for cells in table.rows]
    return lines + ([""] + [f"*{table.caption}*"] if table.caption else []) + [""]


def _html_table(table):
    head = "".join(f"<th>{_e(cell)}</th>" for cell in table.header)
    rows = "".join("<tr>" + "".join(f"<td>{_e(cell)}</td>" for cell in cells) + "</tr>" for cells in table.rows)
    caption = f"<caption>{_e(table.caption)}</caption>" if table.caption else ""
    return f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


HTML_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
body {{ font-family: sans-serif; max-width: 60em; margin: 2em auto; line-height: 1.4; }}
img {{ max-width: 100%; height: auto; border: 1px solid #ccc; }}
figcaption, caption {{ font-style: italic; color: #444; }}
table {{ border-collapse: collapse; margin: 1em 0; }}
th, td {{ border: 1px solid #999; padding: 0.2em 0.6em; text-align: left; }}
h3 {{ margin-top: 1.5em; }}
p.answer {{ border-bottom: 1px solid #999; min-height: 3em; }}
</style>
</head>
<body>
{body}
</body>
</html>
"""
