"""The canvas's messages, one at a time on the bottom bar, each long enough to be read.

A message waits while an earlier one is still being read: an error for all its seconds, other news for at least
`READ_SECONDS` (then the newer one takes its place). A message about what the sketch is doing ("network reset:
collecting") goes when the mode changes, so the bar never contradicts the top bar; errors stay. A message too long
for one line shows a line at a time, each for `READ_SECONDS`, in turn.
"""

import time

READ_SECONDS = 2.5


class Message:
    """One message: its text, how long it shows, whether it is a problem, and the mode it was said in."""

    def __init__(self, text, seconds, error, mode, key=None):
        self.text, self.seconds, self.error, self.mode, self.key = text, seconds, error, mode, key
        self.shown_at = None

    def lasts(self, pages):
        return max(self.seconds, pages * READ_SECONDS)


class Messages:
    """The queue of messages for the bottom bar."""

    def __init__(self):
        self.waiting = []  # the message showing first, then those waiting their turn
        self.log = []  # everything said, for the state JSON

    def say(self, text, seconds, error, mode, key=None):
        """Queue `text`; a message with the same `key` (say, each undo's) replaces the one before."""
        if key is not None:
            self.waiting = [message for message in self.waiting if message.key != key]
        self.waiting.append(Message(text, seconds, error, mode, key))
        self.log.append(text)

    def mode_changed(self, mode):
        """Drop the news said in another mode (errors stay)."""
        self.waiting = [message for message in self.waiting if message.error or message.mode == mode]

    def current(self, pages_of, now=None):
        """The message to show now and which of its lines (page): (message, page), or (None, 0).
        `pages_of(message)` is how many lines it takes on the bar."""
        now = time.monotonic() if now is None else now
        while self.waiting:
            message = self.waiting[0]
            if message.shown_at is None:
                message.shown_at = now
            pages = pages_of(message)
            shown = now - message.shown_at
            yields = len(self.waiting) > 1 and not message.error and shown >= max(READ_SECONDS * pages, READ_SECONDS)
            if shown < message.lasts(pages) and not yields:
                return message, int(shown // READ_SECONDS) % pages
            self.waiting.pop(0)
        return None, 0
