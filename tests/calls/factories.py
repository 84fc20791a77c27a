"""Calls for tests, made through the services, as a coordinator would make them.

Plain functions (not fixtures) so that tests/test_permissions.py can use them too.
"""

from datetime import timedelta
from decimal import Decimal

from portal.calls import services
from portal.calls.models import Call, CallState
from portal.database import utcnow
from portal.extensions import db

COMPLETE_TEXTS = {
    "title_en": "Fellowship Programme 2027",
    "title_ru": "Программа стажировок 2027",
    "summary_en": "Six months at the regional office in Baku.",
    "summary_ru": "Шесть месяцев в региональном бюро в Баку.",
    "description_en": "Fellows join the **regional office** for six months.",
    "description_ru": "Стажёры работают в **региональном бюро** шесть месяцев.",
    "eligibility_en": "- Customs officers\n- Three years of service",
    "eligibility_ru": "- Сотрудники таможенной службы\n- Три года стажа",
}
SETTINGS = {"time_zone": "Asia/Baku", "places": 3, "reviewers_per_application": 2,
            "blind_review": False, "cap_per_administration": None, "programme_year": 2027}
COMPLETE_CRITERION = {
    "name_en": "Motivation", "name_ru": "Мотивация",
    "guidance_en": "Clear aims, linked to the work of the administration.",
    "guidance_ru": "Ясные цели, связанные с работой администрации.",
    "weight": Decimal("1.5"), "scale_min": 1, "scale_max": 5,
}


def call_data(now=None, **overrides) -> dict:
    """Everything a call needs to open: texts in both languages, dates around `now`."""
    now = now or utcnow()
    return {**COMPLETE_TEXTS, **SETTINGS, "opens_at": now - timedelta(days=1),
            "closes_at": now + timedelta(days=30), "review_deadline": now + timedelta(days=60),
            **overrides}


def make_call(state: CallState = CallState.draft, *, criteria: int = 1, actor=None,
              **overrides) -> Call:
    """A complete call with `criteria` criteria, brought to `state` (draft, open or closed)."""
    data = call_data(**overrides)
    call = services.create_call(actor=actor, data=data)
    for _ in range(criteria):
        services.add_criterion(call, actor=actor, data=COMPLETE_CRITERION)
    if state in (CallState.open, CallState.closed):
        services.open_call(call, actor=actor, now=data["opens_at"])
    if state == CallState.closed:
        services.close_call(call, actor=actor, now=utcnow())
    db.session.commit()
    return call
