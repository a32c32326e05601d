"""The command line every sketch understands: its help (the sketch's own docstring), options and their checks.

A value that cannot work (a file that does not exist, a scale of 0) is refused by argparse itself: the usage and
one line saying what is wrong, exit status 2, before any window opens. A sketch's own options can use the same
checks: `parser.add_argument("--model", type=existing_file)`.
"""

import argparse
import math
import os


def existing_path(text):
    """An argparse type: a file or a folder that exists."""
    if not os.path.exists(text):
        raise argparse.ArgumentTypeError(f"no such file or folder: {text}")
    return text


def saved_data(text):
    """An argparse type for --load: a file or folder that exists, or `last` (the sketch's newest autosave)."""
    return text if text == "last" else existing_path(text)


def existing_file(text):
    """An argparse type: a file that exists."""
    if os.path.isdir(text):
        raise argparse.ArgumentTypeError(f"{text} is a folder, not a file")
    if not os.path.isfile(text):
        raise argparse.ArgumentTypeError(f"no such file: {text}")
    return text


def new_file(text):
    """An argparse type: a file to write, in a folder that exists."""
    folder = os.path.dirname(text) or "."
    if os.path.isdir(text):
        raise argparse.ArgumentTypeError(f"{text} is a folder, not a file")
    if not os.path.isdir(folder):
        raise argparse.ArgumentTypeError(f"no such folder: {folder}")
    return text


def _above_zero(text, convert, kind):
    try:
        value = convert(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not {kind}: {text}") from None
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"must be above 0, not {text}")
    return value


def positive_number(text):
    """An argparse type: a number above 0 (a scale, a time)."""
    return _above_zero(text, float, "a number")


def positive_whole_number(text):
    """An argparse type: a whole number above 0 (a count of frames)."""
    return _above_zero(text, int, "a whole number")


def sketch_parser(program, docstring):
    """The parser of one sketch: `--help` shows the sketch's docstring (its lesson, keys and clicks) as written."""
    return argparse.ArgumentParser(
        prog=program,
        description=(docstring or "").strip() or None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="The headless options drive a sketch with no window (tests, prepared demos): README.md says how. "
        "Esc or closing the window quits.",
    )


def common_arguments(parser):
    """The options every sketch understands."""
    parser.add_argument("--fullscreen", action="store_true", help="fill the screen (for a projector)")
    parser.add_argument(
        "--scale",
        type=positive_number,
        default=1.0,
        metavar="F",
        help="window size as a multiple of the canvas (1.5 on a projector)",
    )
    parser.add_argument(
        "--projector",
        action="store_true",
        help="the projector theme: larger text, thicker lines, stronger colours (F2 switches)",
    )
    parser.add_argument("--seed", type=int, metavar="N", help="the same random start every time")
    parser.add_argument(
        "--load",
        type=saved_data,
        metavar="FILE",
        help="start with the data saved in FILE (last: the newest autosave, where the sketch keeps one)",
    )
    parser.add_argument(
        "--load-model",
        type=existing_file,
        metavar="PATH",
        help="start with a trained network or model saved by the sketch (M), ready to predict",
    )
    parser.add_argument(
        "--reload",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="run the sketch's new code, keeping what it collected, whenever its file is saved "
        "(on, except in --replay runs)",
    )
    headless = parser.add_argument_group("headless runs, recordings and replays")
    headless.add_argument(
        "--headless", action="store_true", help="no window and no sound device (for tests and scripts)"
    )
    headless.add_argument(
        "--replay", type=existing_file, metavar="FILE", help="play the actions of a JSON Lines file, one per line"
    )
    headless.add_argument(
        "--record", type=new_file, metavar="FILE", help="write what you do to a JSON Lines file that --replay plays"
    )
    headless.add_argument(
        "--screenshot", type=new_file, metavar="PNG", help="save the last frame as a PNG image on exit"
    )
    headless.add_argument(
        "--state-json", type=new_file, metavar="FILE", help="write the sketch's state as JSON on exit"
    )
    headless.add_argument("--quit-after-replay", action="store_true", help="exit a few frames after the replay ends")
    headless.add_argument("--max-frames", type=positive_whole_number, metavar="N", help="exit after N frames")
