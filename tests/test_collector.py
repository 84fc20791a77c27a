"""The garbage collector's settings for web workers and its pause for bulk work."""

import gc

import pytest

from portal.collector import SERVING_THRESHOLDS, collector_paused, tune_for_serving


@pytest.fixture
def restored_collector():
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)
    gc.enable()


def test_a_worker_spaces_collections_out_and_freezes_what_it_started_with(restored_collector):
    tune_for_serving()
    assert gc.get_threshold() == SERVING_THRESHOLDS
    assert gc.get_freeze_count() > 0


def test_the_pause_is_lifted_after_the_work_even_when_it_fails(restored_collector):
    with pytest.raises(ValueError), collector_paused():
        assert not gc.isenabled()
        raise ValueError
    assert gc.isenabled()


def test_the_pause_leaves_a_disabled_collector_disabled(restored_collector):
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()
