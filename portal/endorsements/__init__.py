"""Endorsement of applications by the applicant's administration (its focal points).

Comes after applications in the domain's order (it listens to their submission through
portal/applications/signals.py) and before selection (which reads an administration's priority
as the ranking's last tie-breaker).
"""

from flask import Blueprint

bp = Blueprint("endorsements", __name__, template_folder="templates")

from portal.endorsements import commands, office_views, views  # noqa: E402,F401
