"""The audit trail: append-only events for everything security-relevant."""
