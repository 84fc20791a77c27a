"""Fixtures for the form builder: a signed-in coordinator, calls made by the services, and
questions saved through the builder's service."""

import pytest

from portal.callforms import services
from portal.calls.models import CallState
from tests.calls import factories

CHOICES = [{"en": "Risk", "ru": "Риски"}, {"en": "Audit", "ru": "Аудит"},
           {"en": "Transit", "ru": "Транзит"}]


def question_data(kind="short_text", **overrides) -> dict:
    """What the builder's form sends for a question of the kind, complete in both languages."""
    data = {"section_key": "professional", "kind": kind, "text_en": "Your theme",
            "text_ru": "Ваша тема", "help_en": "", "help_ru": "", "required": True,
            "blind_visible": False, "rule_operator": "", "rule_message_en": "",
            "rule_message_ru": ""}
    if kind == "long_text":
        data["word_limit"] = 200
    if kind == "number":
        data.update(min_value=0, max_value=50)
    if kind in ("single_choice", "multiple_choice"):
        data["choices"] = [dict(c) for c in CHOICES]
    if kind == "file":
        data.update(file_types=["pdf", "png"], max_size_mb=2)
    data.update(overrides)
    return data


@pytest.fixture
def coordinator(create_user, login_as):
    """A coordinator, signed in on the test client."""
    return login_as(create_user(roles=("coordinator",)))


@pytest.fixture
def make_call(app):
    """Factory: make_call(CallState.open, ...) — a complete call made by the services."""
    return factories.make_call


@pytest.fixture
def add_question(db):
    """Factory: add_question(call, kind, **data) — saved through the builder's service."""

    def add(call, kind="short_text", **overrides):
        question = services.save_question(call, None, actor=None,
                                          data=question_data(kind, **overrides))
        db.session.commit()
        return question

    return add


@pytest.fixture
def draft_call(make_call):
    return make_call(CallState.draft)
