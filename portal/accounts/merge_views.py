"""The admin's page to merge a duplicate account into the one kept: search the duplicate, see
what moves and what is refused, then merge (accounts/merge.py)."""

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.accounts import bp, merge
from portal.accounts.forms import ConfirmForm
from portal.accounts.models import User
from portal.database import utcnow
from portal.extensions import db
from portal.forms import form_view
from portal.pagination import requested_page
from portal.permissions import can_manage_users, require
from portal.search import matches


@bp.route("/admin/users/<int:user_id>/merge", methods=["GET", "POST"])
@form_view
@require(can_manage_users)
def merge_user(user_id: int):
    kept = db.get_or_404(User, user_id)
    duplicate_id = request.args.get("duplicate", type=int)
    if duplicate_id is None:
        return _choose_duplicate(kept)
    duplicate = db.get_or_404(User, duplicate_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            merge.merge_accounts(duplicate, kept, actor=current_user, now=utcnow())
        except merge.MergeRefused:
            db.session.rollback()  # the page below says why
        else:
            db.session.commit()
            flash(_("%(duplicate)s has been merged into %(name)s.",
                    duplicate=duplicate.full_name, name=kept.full_name), "success")
            return redirect(url_for("accounts.edit_user", user_id=kept.id))
    preview = merge.preview_merge(duplicate, kept, actor=current_user)
    return render_template("accounts/merge_preview.html", preview=preview, kept=kept,
                           duplicate=duplicate, form=form)


def _choose_duplicate(kept: User):
    """The search for the duplicate: accounts other than this one, not merged already; at
    first, those with the same name."""
    search = (request.args.get("q", kept.full_name) or "").strip()[:100]
    query = sa.select(User).where(User.id != kept.id, User.merged_into_id.is_(None),
                                  User.deleted_at.is_(None)) \
        .order_by(User.full_name, User.id)
    if search:
        query = query.where(matches(search, User.search_text))
    page = db.paginate(query, page=requested_page(), per_page=20, error_out=False) \
        if search else None
    return render_template("accounts/merge_choose.html", kept=kept, page=page, search=search)
