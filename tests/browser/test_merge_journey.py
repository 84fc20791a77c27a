"""The demo's two "Aigul Osmonova" (issue 15): the admin finds them in the list of users, opens
the account she uses now, chooses the other as its duplicate, reads what moves (the draft she
began with her old address) and merges them; in Russian, a merge of two people who applied to
the same call is refused with the call named. Aigul then signs in in Russian with the address
kept and finds her draft; the old address no longer signs in. axe-core on every new page."""

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from portal.accounts.forms import LoginForm
from portal.accounts.models import User
from portal.calls.models import Call, CallState
from portal.demo import DEMO_PASSWORD, DUPLICATE_EMAIL, seed_demo_data
from tests.browser.axe import assert_accessible
from tests.browser.texts import assert_russian, labels, russian

pytestmark = pytest.mark.browser

KEPT_EMAIL = "a.osmonova@demo.rocb.example"


def heading(page):
    return page.get_by_role("heading", level=1)


def sign_in(page, app, email: str, language: str) -> None:
    login = labels(app, LoginForm, language)
    page.goto("/login")
    page.get_by_label(login["email"], exact=True).fill(email)
    page.get_by_label(login["password"], exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name=login["submit"]).click()


def row_with(page, text: str):
    return page.get_by_role("row").filter(has_text=text)


def test_admin_merges_the_two_aigul_osmonova(app, db, live_server, new_page):
    seed_demo_data()
    db.session.commit()
    open_call = db.session.scalar(sa.select(Call).where(Call.state == CallState.open))
    older = db.session.scalar(sa.select(User).where(User.email == DUPLICATE_EMAIL))
    kept = db.session.scalar(sa.select(User).where(User.email == KEPT_EMAIL))
    title_en, title_ru = open_call.title_en, open_call.title_ru
    older_id, kept_id = older.id, kept.id
    db.session.commit()

    # The admin, in English, finds the two in the list and opens the account she uses now.
    admin = new_page(locale="en-GB")
    sign_in(admin, app, "admin@demo.rocb.example", "en")
    admin.goto("/admin/users?q=osmonova")
    expect(admin.get_by_role("row").filter(has_text="Aigul Osmonova")).to_have_count(2)
    row_with(admin, KEPT_EMAIL).get_by_role("link", name="Aigul Osmonova").click()
    admin.get_by_role("link", name="Merge a duplicate into this account").click()

    # Accounts of the same name are offered at once; the one kept is not among them.
    expect(heading(admin)).to_have_text("Merge a duplicate into Aigul Osmonova")
    candidates = admin.locator("#candidates tbody tr")
    expect(candidates).to_have_count(1)
    expect(candidates).to_contain_text(DUPLICATE_EMAIL)
    assert_accessible(admin, "the choice of the duplicate (en)")
    candidates.get_by_role("link", name="See what would move").click()

    # The preview: her draft moves, the role both hold is kept once; nothing is refused.
    expect(heading(admin)).to_have_text("Merge Aigul Osmonova into Aigul Osmonova")
    moving = admin.locator("#moving tbody tr")
    expect(moving.filter(has_text="Applications")).to_have_text(
        re.compile(r"^Applications\s*1\s*0$"))
    expect(moving.filter(has_text="Roles")).to_have_text(re.compile(r"^Roles\s*0\s*1$"))
    expect(admin.locator("#refusals")).to_have_count(0)
    assert_accessible(admin, "the preview of the merge (en)")
    admin.get_by_role("button", name="Merge the accounts").click()
    expect(admin.get_by_role("status").filter(
        has_text="Aigul Osmonova has been merged into Aigul Osmonova.")).to_be_visible()
    assert admin.url.endswith(f"/admin/users/{kept_id}")

    db.session.expire_all()
    assert db.session.get(User, older_id).merged_into_id == kept_id
    assert db.session.get(User, older_id).is_active_account is False

    # In Russian, a merge with someone who applied to the same call is refused, the call named.
    admin.get_by_role("button", name="Русский", exact=True).click()
    expect(admin.locator("html")).to_have_attribute("lang", "ru")
    admin.goto(f"/admin/users/{kept_id}/merge?q=Kapanadze")
    expect(heading(admin)).to_have_text(
        russian("Merge a duplicate into %(name)s", name="Aigul Osmonova"))
    assert_accessible(admin, "the choice of the duplicate (ru)")
    admin.locator("#candidates tbody tr").get_by_role(
        "link", name=russian("See what would move")).click()
    refusals = admin.locator("#refusals")
    expect(refusals).to_contain_text(russian(
        "Both accounts applied to the same call: %(items)s. An applicant has one application "
        "per call; withdrawing one does not remove it.", items=f"«{title_ru}»"))
    assert_russian(refusals.inner_text())
    expect(admin.get_by_role("button", name=russian("Merge the accounts"))).to_have_count(0)
    assert_accessible(admin, "a refused merge (ru)")

    # Aigul, in Russian: the old address no longer signs in; the one kept finds her draft.
    aigul = new_page(locale="ru-RU")
    sign_in(aigul, app, DUPLICATE_EMAIL, "ru")
    expect(aigul.locator("#password-error")).to_have_text(
        russian("The e-mail address or the password is not right."))
    sign_in(aigul, app, KEPT_EMAIL, "ru")
    aigul.goto("/applications/")
    expect(heading(aigul)).to_have_text(russian("My applications"))
    expect(aigul.get_by_role("link", name=title_ru)).to_be_visible()
    assert title_en != title_ru
