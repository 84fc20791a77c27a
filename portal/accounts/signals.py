"""What accounts tell the later packages, which connect to these where they are set up.

Accounts come first in the domain's order and never import reviews or anything later. When a
change of an account matters to a later package, accounts send one of these signals (blinker,
as Flask's own signals) and that package's receiver does its part.
"""

from blinker import Namespace

_signals = Namespace()

# Sent (by services.set_administration) once a user's administration has changed and is
# flushed, with sender=the user and before=the old code, now=the moment: reviews ends the
# assignments that became a conflict of interest (reviews/services.py).
administration_changed = _signals.signal("administration-changed")
