"""Sending stored evidence files back to the people allowed to see them (never as public media)."""

from __future__ import annotations

from django.http import FileResponse

from tasks.models import Attachment


def attachment_response(attachment: Attachment) -> FileResponse:
    """The file as a download under its original name; the caller has already checked scope."""
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type or "application/octet-stream",
    )
