"""The pages of invitations, focal points and a call's endorsement settings (issue 14), on the demo
data, at 390 and 1,280 px in English and Russian: no sideways scrolling, the header's navigation
on one line on the desktop (coordinators now reach the administrations), and axe-core finds
nothing. The checks are test_layout.py's.
"""

import pytest
import sqlalchemy as sa
from flask import url_for

from portal.accounts.invitations import invitation_token, invite_user
from portal.accounts.models import Role
from portal.administrations.models import Administration
from portal.administrations.services import add_focal_point
from portal.calls.models import Call, CallState
from portal.database import utcnow
from portal.demo import seed_demo_data
from tests.browser.conftest import LAYOUT_CHECK
from tests.browser.test_layout import Person, _user, _visit

pytestmark = [pytest.mark.browser, LAYOUT_CHECK]


def _set_up(db) -> dict[str, Person]:
    seed_demo_data()
    db.session.commit()
    coordinator = _user(db, "coordinator@demo.rocb.example")
    kyrgyzstan = db.session.get(Administration, "KG")
    add_focal_point(kyrgyzstan, full_name="Asel Bekova", title="Head of the training unit",
                    email="asel.bekova@customs.kg.example", language="ru", actor=coordinator,
                    now=utcnow())
    add_focal_point(kyrgyzstan, full_name="Aibek Long-Surname-Of-An-Officer",
                    title="Deputy head of the department of international cooperation",
                    email="reviewer.en@demo.rocb.example", language="en", actor=coordinator,
                    now=utcnow())
    open_call = db.session.scalar(sa.select(Call).where(Call.state == CallState.open))
    open_call.endorsement_required, open_call.endorsement_quota = True, 2
    invited = invite_user(email="invited@example.org", full_name="Invited Person",
                          language="en", roles={Role.nominator}, actor=None, now=utcnow())
    used = invite_user(email="used@example.org", full_name="Used Invitation", language="en",
                       roles={Role.nominator}, actor=None, now=utcnow())
    used_token = invitation_token(used)
    used.password_hash = "argon2-would-be-here"  # the password has been set since
    db.session.commit()
    pages = {
        "visitor": Person("", [url_for("accounts.accept_invitation",
                                       token=invitation_token(invited)),
                               url_for("calls.view_call", slug=open_call.slug)]),
        # A link that cannot be used answers 400 with its page, which is checked all the same.
        "visitor of a used link": Person("", [
            url_for("accounts.accept_invitation", token=used_token),
            url_for("accounts.accept_invitation", token="not-a-token")]),
        "coordinator": Person("coordinator@demo.rocb.example", [
            url_for("administrations.list_administrations"),
            url_for("administrations.focal_points", code="KG"),
            url_for("administrations.focal_points", code="AZ"),
            url_for("calls.manage_call", call_id=open_call.id),
            url_for("calls.edit_call", call_id=open_call.id)]),
        "admin": Person("admin@demo.rocb.example", [
            url_for("administrations.edit_administration", code="KG"),
            url_for("administrations.focal_points", code="KG")]),
    }
    db.session.commit()
    return pages


class _Refused:
    """A response that counts as fine for test_layout._check: the page of a refused link."""

    def __init__(self, response):
        self.ok = response is not None and response.status == 400
        self.status = response.status if response is not None else 0


def test_focal_point_pages_fit_and_axe_finds_nothing(app, db, live_server, browser, monkeypatch):
    with app.test_request_context():
        people = _set_up(db)
    refused = {"visitor of a used link": people.pop("visitor of a used link")}
    problems: list[str] = []
    try:
        _visit(browser, live_server, people, problems)
        page_class = type(people["visitor"].page)
        goto = page_class.goto
        monkeypatch.setattr(page_class, "goto",
                            lambda self, url, **kw: _Refused(goto(self, url, **kw)))
        _visit(browser, live_server, refused, problems)
        people.update(refused)
    finally:
        for person in people.values():
            if person.page is not None:
                person.page.context.close()
    assert problems == [], f"{len(problems)} problems:\n" + "\n".join(problems)
