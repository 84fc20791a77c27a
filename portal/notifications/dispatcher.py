"""Sends the outbox as a job of the queue, after each request that wrote to it.

The request only writes rows; a worker (`flask jobs worker`) delivers them, so a slow or absent
SMTP server never slows a page. Messages are claimed before sending, so any number of workers and
hosts may send at once; the periodic round sends whatever a lost task or a stopped worker left.
`flask outbox send` does the same from an operator's shell.
"""

from flask import Flask, current_app, g

from portal.jobs.registry import periodic

BATCH = 100


def send_outbox() -> None:
    """Send every due message, batch after batch (a full batch means more may be waiting)."""
    from portal.notifications.services import send_due_messages

    while sum(send_due_messages(limit=BATCH)) == BATCH:
        pass


@periodic("send-outbox", minutes=1)
def send_outbox_periodically() -> None:
    send_outbox()


def init_app(app: Flask) -> None:
    @app.after_request
    def queue_sending(response):
        if g.get("outbox_has_new_messages") and current_app.config.get("OUTBOX_SEND_IN_BACKGROUND", True):
            from portal.jobs.queue import send_outbox_soon

            try:
                send_outbox_soon()
            except Exception:  # noqa: BLE001 - the queue is down: the periodic round sends them
                current_app.logger.exception("could not queue the outbox for sending")
        return response
