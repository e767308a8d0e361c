"""Files a customer sends with a form (the portal's and the public one)."""

from ..models.customer_feedback_ticket_portal import (
    FEEDBACK_ATTACHMENT_MAX_BYTES,
    FEEDBACK_ATTACHMENT_MAX_COUNT,
)


def read_uploads(files):
    """The files sent, as (file name, content) pairs.

    One byte past the size limit is enough to refuse a file, and one file
    past the count limit to refuse the set: larger uploads are not read
    into memory whole.

    :param files: the uploaded files of the request's input (werkzeug
        ``FileStorage`` objects)
    """
    uploads = []
    for upload in files:
        if not upload.filename:
            continue  # the empty input of a browser when no file is chosen
        if len(uploads) > FEEDBACK_ATTACHMENT_MAX_COUNT:
            break
        uploads.append((upload.filename, upload.read(FEEDBACK_ATTACHMENT_MAX_BYTES + 1)))
    return uploads
