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
class Reply:
    """An answer: an `m.notice` replying to the command, or an `m.text` that notifies `mentions` when there are
    any (a proposal sent to the representatives, a reminder); `attachment`, then each of `attachments`, is uploaded
    and posted after it. `room_id` posts it in another room than the command's (the conference room), as an
    `m.text`."""

    body: str
    html: str | None = None
    mentions: tuple[str, ...] = ()
    attachment: Attachment | None = None
    room_id: str | None = None
    attachments: tuple[Attachment, ...] = ()  # further files (the compte rendu in PDF and ODT after the Markdown)

    @property
    def files(self) -> tuple[Attachment, ...]:
        """Every file of the reply, in posting order."""
        return ((self.attachment,) if self.attachment else ()) + self.attachments
