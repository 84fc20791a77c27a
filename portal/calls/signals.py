"""What calls tell the later packages, which connect to these where they are set up.

Calls come first in the domain's order: they never import the packages that depend on them
(questions, applications...). When one of those must take part in something a call does, the
call sends one of these signals (blinker, as Flask's own signals) and the later package's
receiver does its part.
"""

from blinker import Namespace

_signals = Namespace()

# Sent by services.copy_call once the new call is flushed, with sender=the call copied and
# copy=the new draft (and actor): a receiver copies what it keeps of a call (the questions
# and the call's own sections: portal/questions/copying.py).
call_copied = _signals.signal("call-copied")

# Sent by services.missing_for_opening with sender=the call: each receiver returns a list of
# what else stops the call from opening (messages for the coordinator), e.g. a question of the
# call's form without its Russian text (portal/callforms/gate.py).
opening_checked = _signals.signal("opening-checked")
