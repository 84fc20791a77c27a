"""Personal data: the privacy notice (versions, acceptance), a person's own data (download,
deletion of the account), the retention rule of calls and the travel export.

Last in the domain's order: it may read every other package; none imports it. It takes part in
signing in through a before_request hook (hooks.py), not through an import in accounts.

- __init__, views, hooks, services, notices, export, deletion, templates: the notice and a
  person's rights.
- retention.py, commands.py (`flask privacy ...`), travel.py: the retention rule and the travel
  export.
"""

from flask import Blueprint

bp = Blueprint("privacy", __name__, template_folder="templates")

from portal.privacy import commands, periodic, travel, views  # noqa: E402,F401
