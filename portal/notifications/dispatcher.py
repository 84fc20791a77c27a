"""Sends the outbox from a background thread of the web process, after each request's commit.

The request only writes rows; this thread delivers them, so a slow or absent SMTP
server never slows a page. Several processes may each run one: messages are claimed
before sending. `flask outbox send` (from cron) sends whatever a stopped process left.
"""

import threading

from flask import Flask, g

BATCH = 100


class OutboxDispatcher:
    def __init__(self, app: Flask, interval: float = 30.0):
        self.app = app
        self.interval = interval
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def wake(self) -> None:
        with self._lock:
            if self._stopping.is_set():
                return
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="outbox", daemon=True)
                self._thread.start()
        self._wake.set()

    def stop(self, timeout: float | None = None) -> None:
        """End the thread after its current round (what is left waits for the next sender)."""
        with self._lock:
            self._stopping.set()
            thread = self._thread
        self._wake.set()
        if thread is not None:
            thread.join(timeout)

    def _run(self) -> None:
        from portal.notifications.services import send_due_messages

        while True:
            self._wake.wait(self.interval)
            self._wake.clear()
            if self._stopping.is_set():
                return
            with self.app.app_context():
                try:
                    # A full batch means more may be waiting: send on without sleeping.
                    while sum(send_due_messages(limit=BATCH)) == BATCH:
                        pass
                except Exception:  # keep the thread alive; the next round retries
                    self.app.logger.exception("outbox round failed")


def init_app(app: Flask) -> None:
    if not app.config.get("OUTBOX_SEND_IN_BACKGROUND", True):
        return
    dispatcher = OutboxDispatcher(app)
    app.extensions["outbox_dispatcher"] = dispatcher

    @app.after_request
    def wake_sender(response):
        if g.get("outbox_has_new_messages"):
            dispatcher.wake()
        return response
