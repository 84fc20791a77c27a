"""The ceiling for this stack: bare Flask + Flask-SQLAlchemy rendering 50 rows from one query
with one template, on the same database as the portal (`gunicorn bench.ceiling_app:app`).

No sessions, no CSRF, no Babel, no login: what a page of the portal costs above this is the
portal's own work. The template is bench/templates/ceiling.html (compiled once, as the portal's).
"""

import os

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Flask, render_template
from flask_sqlalchemy import SQLAlchemy


class Base(so.DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Row(db.Model):
    __tablename__ = "application"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    call_id: so.Mapped[int]
    reference: so.Mapped[str | None] = so.mapped_column(sa.String(20))
    applicant_name: so.Mapped[str] = so.mapped_column(sa.String(200))
    administration_code: so.Mapped[str | None] = so.mapped_column(sa.String(2))
    language: so.Mapped[str] = so.mapped_column(sa.String(8))
    state: so.Mapped[str] = so.mapped_column(sa.String(16))
    submitted_at: so.Mapped[str | None] = so.mapped_column(sa.String(40))


def create_app(database_url: str | None = None) -> Flask:
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url or os.environ["DATABASE_URL"]
    db.init_app(app)

    @app.route("/rows")
    def rows():
        page = db.session.scalars(sa.select(Row).order_by(Row.id.desc()).limit(50)).all()
        return render_template("ceiling.html", rows=page)

    return app


app = create_app() if os.environ.get("DATABASE_URL") else None
