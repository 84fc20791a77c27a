"""Local wall-clock times in a call's zone, turned into UTC moments and back."""

from datetime import UTC, datetime

import pytest

from portal.calls.moments import AmbiguousLocalTime, NonexistentLocalTime, local_to_utc, utc_to_local


@pytest.mark.parametrize("zone,local,utc", [
    ("Asia/Baku", datetime(2027, 3, 15, 18, 0), datetime(2027, 3, 15, 14, 0, tzinfo=UTC)),
    ("Europe/Berlin", datetime(2027, 1, 15, 18, 0), datetime(2027, 1, 15, 17, 0, tzinfo=UTC)),
    ("Europe/Berlin", datetime(2027, 7, 15, 18, 0), datetime(2027, 7, 15, 16, 0, tzinfo=UTC)),
    ("UTC", datetime(2027, 7, 15, 18, 0), datetime(2027, 7, 15, 18, 0, tzinfo=UTC)),
])
def test_local_to_utc_in_a_zone_gives_the_utc_moment(zone, local, utc):
    assert local_to_utc(local, zone) == utc
    assert utc_to_local(utc, zone) == local


def test_local_to_utc_of_a_time_the_clocks_skip_is_refused():
    with pytest.raises(NonexistentLocalTime):  # Berlin: 02:00 → 03:00 on 28 March 2027
        local_to_utc(datetime(2027, 3, 28, 2, 30), "Europe/Berlin")


def test_local_to_utc_of_a_time_the_clocks_repeat_is_refused():
    with pytest.raises(AmbiguousLocalTime):  # Berlin: 03:00 → 02:00 on 31 October 2027
        local_to_utc(datetime(2027, 10, 31, 2, 30), "Europe/Berlin")


def test_utc_to_local_of_nothing_is_nothing():
    assert utc_to_local(None, "Asia/Baku") is None
