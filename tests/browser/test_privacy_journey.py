"""An applicant's personal data (issue 15): Nurlan, who applied in Russian to both demo calls,
signs in in Russian, reads what the portal holds about him and downloads it as a ZIP (data.json
with his account and applications, and his documents); then, in English, he reads what deleting
his account removes and what stays (his submitted applications, anonymised, until their
selections are over), is refused with a wrong password, deletes it with his own and can no
longer sign in. And the notice's versions: the admin writes version 2 with what changed and
publishes it; Ivan, who accepted version 1, is asked at his next sign-in, in Russian, to accept
it before anything else. axe-core on every new page."""

import json
import zipfile

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from portal.accounts.forms import LoginForm
from portal.accounts.models import User
from portal.applications.models import Application
from portal.demo import DEMO_PASSWORD, seed_demo_data
from portal.privacy.forms import AcceptForm, DeleteAccountForm, NoticeForm, PublishForm
from tests.browser.axe import assert_accessible
from tests.browser.texts import assert_russian, labels, russian

pytestmark = pytest.mark.browser

EMAIL = "applicant3@demo.rocb.example"  # Nurlan Abenov: Russian, submitted to both calls


def heading(page):
    return page.get_by_role("heading", level=1)


def sign_in(page, app, language: str):
    login = labels(app, LoginForm, language)
    page.goto("/login")
    page.get_by_label(login["email"], exact=True).fill(EMAIL)
    page.get_by_label(login["password"], exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name=login["submit"]).click()
    return login


def test_applicant_downloads_their_data_and_deletes_their_account(app, db, live_server, new_page,
                                                                  tmp_path):
    seed_demo_data()
    db.session.commit()
    nurlan = db.session.scalar(sa.select(User).where(User.email == EMAIL))
    nurlan_id = nurlan.id
    references = sorted(db.session.scalars(sa.select(Application.reference).where(
        Application.applicant_id == nurlan_id)))
    db.session.commit()
    assert len(references) == 2

    # In Russian: from his account's page to his data, and the download.
    with app.app_context():
        your_data, prepare = russian("Your data"), russian("Prepare your data (ZIP)")
        see_result = russian("See the result")
    page = new_page(locale="ru-RU")
    sign_in(page, app, "ru")
    page.goto("/account")
    page.get_by_role("link", name=your_data, exact=True).click()
    expect(heading(page)).to_have_text(your_data)
    assert_russian(page.locator("main").inner_text())
    assert_accessible(page, "his data (ru)")
    # The ZIP is prepared by a job (inline in the tests): its page, then the file.
    page.get_by_role("button", name=prepare).click()
    assert_russian(page.locator("main").inner_text())
    assert_accessible(page, "his data prepared (ru)")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=see_result).click()
    saved = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        content = json.loads(archive.read("data.json"))
        names = archive.namelist()
    assert content["account"]["full_name"] == "Nurlan Abenov"
    assert sorted(a["reference"] for a in content["applications"]) == references
    files = [d["file"] for a in content["applications"] for d in a["documents"]]
    assert files and sorted(names) == sorted(["data.json", *files])

    # In English: what deleting the account removes and what stays, and why.
    page.goto("/account")
    with page.expect_navigation():
        page.locator("header [name=lang][value=en]").evaluate("button => button.click()")
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("link", name="Delete your account").click()
    expect(heading(page)).to_have_text("Delete your account")
    for reference in references:
        expect(page.locator("main li").filter(has_text=reference)).to_contain_text(
            "stays until the selection is over")
    assert_accessible(page, "the deletion of his account (en)")

    form = labels(app, DeleteAccountForm, "en")
    page.get_by_label(form["password"], exact=True).fill("not my password")
    page.get_by_label(form["confirm"]).check()
    page.get_by_role("button", name=form["submit"]).click()
    expect(page.locator("main")).to_contain_text("The password is not right.")
    page.get_by_label(form["password"], exact=True).fill(DEMO_PASSWORD)
    page.get_by_label(form["confirm"]).check()
    page.get_by_role("button", name=form["submit"]).click()
    expect(page.get_by_role("status").filter(has_text="Your account is deleted.")).to_be_visible()
    assert not page.problems, page.problems

    # He can no longer sign in; his applications stay without his name.
    login = sign_in(page, app, "en")
    expect(page.get_by_role("button", name=login["submit"])).to_be_visible()
    expect(page.locator("main")).to_contain_text("The e-mail address or the password is not right.")
    db.session.expire_all()
    deleted = db.session.get(User, nurlan_id)
    assert (deleted.full_name, deleted.deleted_at is not None) == ("", True)
    assert set(db.session.scalars(sa.select(Application.applicant_name).where(
        Application.applicant_id == nurlan_id))) == {""}


def test_admin_publishes_a_new_version_and_a_russian_applicant_accepts_it_at_sign_in(
        app, db, live_server, new_page):
    seed_demo_data()
    db.session.commit()

    # The admin, in English, writes version 2 from the version in force and publishes it.
    admin = new_page(locale="en-GB")
    login = labels(app, LoginForm, "en")
    admin.goto("/login")
    admin.get_by_label(login["email"], exact=True).fill("admin@demo.rocb.example")
    admin.get_by_label(login["password"], exact=True).fill(DEMO_PASSWORD)
    admin.get_by_role("button", name=login["submit"]).click()
    admin.get_by_role("link", name="Versions of the privacy notice").click()
    expect(admin.get_by_role("row").filter(has_text="Version 1")).to_contain_text("in force")
    assert_accessible(admin, "the versions of the notice (en)")
    admin.get_by_role("button", name="Write a new version").click()
    expect(heading(admin)).to_have_text("Privacy notice, version 2")
    notice = labels(app, NoticeForm, "en")
    expect(admin.get_by_label(notice["text_ru"], exact=True)).to_contain_text("ROCB Europe")
    admin.get_by_label(notice["summary_en"], exact=True).fill("Reviewers' comments are now kept "
                                                              "for two years.")
    admin.get_by_label(notice["summary_ru"], exact=True).fill("Комментарии экспертов теперь "
                                                              "хранятся два года.")
    admin.get_by_role("button", name=notice["submit"]).click()
    expect(admin.get_by_role("status").filter(has_text="The draft is saved.")).to_be_visible()
    assert_accessible(admin, "a draft of the notice (en)")
    publish = labels(app, PublishForm, "en")
    admin.get_by_label(publish["confirm"]).check()
    admin.get_by_role("button", name=publish["submit"]).click()
    expect(admin.get_by_role("status")).to_contain_text("Version 2 is published and in force.")
    expect(admin.get_by_role("row").filter(has_text="Version 2")).to_contain_text("in force")
    expect(admin.get_by_role("row").filter(has_text="Version 1")).to_contain_text("replaced")

    # Ivan, who accepted version 1, signs in in Russian and is asked first to accept version 2,
    # with what changed; then he goes on.
    ivan = new_page(locale="ru-RU")
    login_ru = labels(app, LoginForm, "ru")
    ivan.goto("/applications/")
    ivan.get_by_label(login_ru["email"], exact=True).fill("applicant.ru@demo.rocb.example")
    ivan.get_by_label(login_ru["password"], exact=True).fill(DEMO_PASSWORD)
    ivan.get_by_role("button", name=login_ru["submit"]).click()
    with app.app_context():
        expect(heading(ivan)).to_have_text(russian("Please read the privacy notice"))
    expect(ivan.locator("main")).to_contain_text("Комментарии экспертов теперь хранятся два года.")
    assert_russian(ivan.locator("main").inner_text())
    assert_accessible(ivan, "the request to accept the new notice (ru)")
    accept = labels(app, AcceptForm, "ru")
    ivan.get_by_role("button", name=accept["submit"]).click()  # not ticked: asked again
    expect(ivan.get_by_label(accept["accept"])).to_be_visible()
    ivan.get_by_label(accept["accept"]).check()
    ivan.get_by_role("button", name=accept["submit"]).click()
    expect(ivan).to_have_url(f"{live_server}/applications/")
    assert not ivan.problems, ivan.problems
    db.session.expire_all()
    accepted = db.session.scalar(sa.select(User.privacy_version).where(
        User.email == "applicant.ru@demo.rocb.example"))
    assert accepted == 2
