"""The selected fellows' travel and visa export (the retention helper fills this in)."""

from portal.privacy import bp  # noqa: F401
