"""A call's moments as the office types them: wall-clock times in the call's own zone, turned
into UTC (and back for the inputs), refusing the times a change of clocks skips or repeats."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo


class NonexistentLocalTime(ValueError):
    """The clocks skip this time in the zone (they move forward)."""


class AmbiguousLocalTime(ValueError):
    """The clocks show this time twice in the zone (they move back)."""


def local_to_utc(local: datetime, zone_name: str) -> datetime:
    """A naive wall-clock time in the zone → the aware UTC moment it names.

    Raises NonexistentLocalTime or AmbiguousLocalTime rather than guess, since a deadline
    an hour off is a deadline someone misses.
    """
    zone = ZoneInfo(zone_name)
    earlier, later = local.replace(tzinfo=zone, fold=0), local.replace(tzinfo=zone, fold=1)
    if earlier.utcoffset() != later.utcoffset():
        if earlier.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != local:
            raise NonexistentLocalTime(local)
        raise AmbiguousLocalTime(local)
    return earlier.astimezone(UTC)


def utc_to_local(moment: datetime | None, zone_name: str) -> datetime | None:
    """The naive wall-clock time a UTC moment shows in the zone (what the input displays)."""
    if moment is None:
        return None
    return moment.astimezone(ZoneInfo(zone_name)).replace(tzinfo=None)
