"""`flask privacy ...` (the retention helper fills this in)."""

from portal.privacy import bp  # noqa: F401
