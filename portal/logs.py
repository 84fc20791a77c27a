"""Log records that an operator can read across hosts: times in UTC, said so."""

import logging
import time

from flask import Flask
from flask.logging import default_handler


class UTCFormatter(logging.Formatter):
    """`2026-12-01T15:39:50Z ERROR portal: ...`: every host writes the same clock."""

    converter = time.gmtime

    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s",
                         datefmt="%Y-%m-%dT%H:%M:%SZ")


def init_app(app: Flask) -> None:
    default_handler.setFormatter(UTCFormatter())
    if not app.debug and not app.testing:
        app.logger.setLevel(logging.INFO)
