"""What applications tell the later packages (endorsements, selection...), which connect to
these where they are set up: applications never import them (see portal/calls/signals.py)."""

from blinker import Namespace

_signals = Namespace()

# Sent by services.submit_application once the application is submitted and flushed, with
# sender=the application, actor and now: e.g. its administration is asked to endorse it.
application_submitted = _signals.signal("application-submitted")

# Sent by services.withdraw_application once withdrawn and flushed (sender, actor, now).
application_withdrawn = _signals.signal("application-withdrawn")
