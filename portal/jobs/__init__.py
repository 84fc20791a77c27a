"""Jobs: long or periodic work on a task queue (Huey), with progress kept in the database.

models.py the job row; registry.py the kinds and periodic work the domains register; queue.py
the Huey instance; runner.py claiming, running, retrying and sweeping; services.py starting and
reading jobs; views.py the progress page; commands.py `flask jobs worker|sweep|status`.
"""

from flask import Blueprint, Flask

bp = Blueprint("jobs", __name__, template_folder="templates")

from portal.jobs import commands, views  # noqa: E402,F401


def init_app(app: Flask) -> None:
    from portal.jobs import queue

    queue.init_app(app)
    commands.init_app(app)
