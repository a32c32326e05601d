"""The command-line options every sketch understands."""


def common_arguments(parser):
    """The options every sketch understands."""
    parser.add_argument("--headless", action="store_true", help="no window and no sound device (for tests and scripts)")
    parser.add_argument("--replay", metavar="FILE", help="play the actions of a JSON Lines file, one per line")
    parser.add_argument("--record", metavar="FILE", help="write what you do to a JSON Lines file that --replay plays")
    parser.add_argument("--screenshot", metavar="PNG", help="save the last frame as a PNG image on exit")
    parser.add_argument("--state-json", metavar="FILE", help="write the sketch's state as JSON on exit")
    parser.add_argument("--quit-after-replay", action="store_true", help="exit a few frames after the replay ends")
    parser.add_argument("--max-frames", type=int, metavar="N", help="exit after N frames")
    parser.add_argument("--fullscreen", action="store_true", help="fill the screen (for a projector)")
    parser.add_argument("--scale", type=float, default=1.0, metavar="F", help="window size as a multiple of the canvas")
    parser.add_argument("--seed", type=int, metavar="N", help="the same random start every time")
    parser.add_argument("--load", metavar="FILE", help="start with the data saved in FILE")
