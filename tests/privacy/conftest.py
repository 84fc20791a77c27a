"""A published privacy notice for the tests that need one."""

import pytest

from portal.accounts.models import PrivacyNotice
from portal.database import utcnow
from portal.extensions import db


@pytest.fixture
def publish_notice(app):
    """Factory: publish_notice(version=1) publishes a version (both languages) and returns it."""

    def make(version=1, *, published=True):
        notice = PrivacyNotice(version=version, text_en=f"Notice {version} in English",
                               text_ru=f"Уведомление {version} по-русски",
                               summary_en=f"Changes {version}" if version > 1 else "",
                               summary_ru=f"Изменения {version}" if version > 1 else "",
                               published_at=utcnow() if published else None)
        db.session.add(notice)
        db.session.commit()
        return notice

    return make
