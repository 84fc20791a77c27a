"""The demo's privacy notice: version 1 in both languages, accepted by every demo account."""

import sqlalchemy as sa

from portal.accounts.models import PrivacyNotice, User
from portal.demo import seed_demo_data
from portal.extensions import db


def test_demo_notice_is_in_force_and_accepted_by_every_demo_account(app):
    seed_demo_data()
    db.session.commit()
    seed_demo_data()  # a second time changes nothing
    db.session.commit()
    notices = db.session.scalars(sa.select(PrivacyNotice)).all()
    assert [(n.version, n.published_at is not None) for n in notices] == [(1, True)]
    assert "ROCB Europe" in notices[0].text_en and "ВТамО" in notices[0].text_ru
    versions = set(db.session.scalars(sa.select(User.privacy_version)))
    assert versions == {1}
