"""Fixtures for calls: a signed-in coordinator and a factory of calls made by the services."""

import pytest

from tests.calls import factories


@pytest.fixture
def coordinator(create_user, login_as):
    """A coordinator, signed in on the test client."""
    return login_as(create_user(roles=("coordinator",), time_zone="Asia/Baku"))


@pytest.fixture
def make_call(app):
    """Factory: make_call(CallState.open, criteria=2, title_ru="", closes_at=...)."""
    return factories.make_call
