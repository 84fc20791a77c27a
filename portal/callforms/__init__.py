"""The coordinator's builder of a call's form: questions in the built-in sections and in
sections of the call's own, the settings of the built-in answers, the completeness gate of
those texts before opening, and a preview of the whole form in each language.

Callforms come after calls, questions and applications in the domain's order: they import
them, never the other way round. The gate takes part in opening a call through the
calls.signals.opening_checked signal, connected when this package is imported (gate.py).
"""

from flask import Blueprint

bp = Blueprint("callforms", __name__, template_folder="templates")

from portal.callforms import gate, views  # noqa: E402,F401
