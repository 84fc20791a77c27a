"""The demo's privacy notice: version 1, in force, accepted by every demo account."""

import sqlalchemy as sa

from portal.accounts.models import PrivacyNotice, User
from portal.database import utcnow
from portal.extensions import db

DEMO_DOMAIN = "@demo.rocb.example"

NOTICE_EN = """\
## Who we are
The portal of the fellowship programme is run by ROCB Europe, the WCO Regional Office for
Capacity Building for the Europe region. The programme office decides why and how your personal
data is used.

## What we hold and why
- **Your account**: name (as in your passport and in your own script), e-mail address,
  administration, position, language and time zone, to let you sign in and to write to you.
- **Your applications**: your answers and documents, to select the fellows of a call. Reviewers
  see only the applications assigned to them; in a blind call they do not see your name.
- **Your administration's endorsement**, where a call asks for it.
- **Records of what was done** (the audit log), to show who did what and when.

## How long
Applications that were not selected lose their personal data and documents when the call's
retention period has passed after its results were published. Selected fellows' data stays for
the programme's records.

## Your rights
You can download everything the portal holds about you (**Your data** on your account page) and
delete your account (**Delete your account**). What must stay (an application still in a
selection, the audit log) stays without your name. For anything else, write to the programme
office.
"""

NOTICE_RU = """\
## Кто мы
Портал программы стажировок ведёт ROCB Europe — Региональное бюро по наращиванию
потенциала Европейского региона ВТамО. Офис программы решает, зачем и как используются ваши
персональные данные.

## Что мы храним и зачем
- **Ваша учётная запись**: имя (как в паспорте и на родном языке), адрес электронной почты,
  администрация, должность, язык и часовой пояс — чтобы вы могли входить и получать наши письма.
- **Ваши заявки**: ответы и документы — для отбора стажёров конкурса. Эксперты видят только
  назначенные им заявки; в конкурсе с анонимной экспертизой они не видят вашего имени.
- **Подтверждение выдвижения вашей администрацией**, если конкурс его требует.
- **Записи о действиях** (журнал аудита) — чтобы было видно, кто что и когда сделал.

## Как долго
Из заявок, которые не были отобраны, персональные данные и документы удаляются, когда после
публикации результатов конкурса проходит срок хранения. Данные отобранных стажёров хранятся
в документах программы.

## Ваши права
Вы можете скачать всё, что портал хранит о вас («Ваши данные» на странице учётной записи),
и удалить учётную запись («Удалить учётную запись»). То, что должно остаться (заявка в идущем
отборе, журнал аудита), остаётся без вашего имени. По остальным вопросам пишите в офис программы.
"""


def seed_demo_notice() -> None:
    """Publish version 1 unless a version exists; every demo account has accepted the version
    in force (so that signing in to the demo goes straight on). Flushes."""
    now = utcnow()
    if db.session.scalar(sa.select(sa.func.count(PrivacyNotice.id))) == 0:
        db.session.add(PrivacyNotice(version=1, text_en=NOTICE_EN, text_ru=NOTICE_RU,
                                     created_at=now, published_at=now))
        db.session.flush()
    version = db.session.scalar(sa.select(sa.func.max(PrivacyNotice.version))
                                .where(PrivacyNotice.published_at.is_not(None)))
    db.session.execute(
        sa.update(User).where(User.email.endswith(DEMO_DOMAIN),
                              sa.or_(User.privacy_version.is_(None),
                                     User.privacy_version < version))
        .values(privacy_version=version, privacy_accepted_at=now))
    db.session.flush()
