"""What the bot posts: a reply or a message of its own, with an optional file. Shared by the chat, the clock and
the CLI (which writes the file); the Matrix layer turns it into events."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Attachment:
    """A file posted with a reply (an iCalendar file, a compte rendu in Markdown, PDF or ODT, a convocation)."""

    filename: str
    mimetype: str
    data: bytes


@dataclass(frozen=True)
class Poll:
    """A poll posted with a reply (one tap to answer), found again by `track`: its answers are read back as
    commands, and it is ended later. `answers` are (id, label) pairs; the ballot is not secret, so the results are
    shown as they come."""

    track: str
    question: str
    answers: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Edit:
    """A message posted earlier (the one tracked by `track`) replaced by this text, where it stands."""

    track: str
    body: str
    html: str | None = None


@dataclass(frozen=True)
class Reply:
    """An answer: an `m.notice` replying to the command, or an `m.text` that notifies `mentions` when there are
    any (a proposal sent to the representatives, a reminder); `attachment`, then each of `attachments`, is uploaded
    and posted after it. `room_id` posts it in another room than the command's (the conference room), as an
    `m.text`.

    What goes with it: `track` remembers the message under that key (to edit it later), `polls` are posted after
    it, `edits` replace earlier messages, `ends` closes the polls of those tracks. With `reaction`, the command is
    acknowledged by that reaction instead of by `body` (which stays the wording, for the record and the tests)."""

    body: str
    html: str | None = None
    mentions: tuple[str, ...] = ()
    attachment: Attachment | None = None
    room_id: str | None = None
    track: str | None = None
    polls: tuple[Poll, ...] = ()
    edits: tuple[Edit, ...] = ()
    ends: tuple[str, ...] = ()
    reaction: str | None = None
    attachments: tuple[Attachment, ...] = ()  # further files (the compte rendu in PDF and ODT after the Markdown)

    @property
    def files(self) -> tuple[Attachment, ...]:
        """Every file of the reply, in posting order."""
        return ((self.attachment,) if self.attachment else ()) + self.attachments
