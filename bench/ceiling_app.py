"""The ceiling for this stack: bare Flask + Flask-SQLAlchemy rendering 50 rows from one query
with one template, on the same database as the portal (`gunicorn bench.ceiling_app:app`).

No sessions, no CSRF, no Babel, no login: what a page of the portal costs above this is the
portal's own work.
"""

import os

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Flask, render_template_string
from flask_sqlalchemy import SQLAlchemy

TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Applications</title></head>
<body><main><h1>Applications</h1>
<table><thead><tr><th>Reference</th><th>Applicant</th><th>Administration</th><th>Language</th>
<th>State</th><th>Submitted</th></tr></thead><tbody>
{% for row in rows %}<tr><td><a href="/applications/{{ row.id }}">{{ row.reference }}</a></td>
<td>{{ row.applicant_name }}</td><td>{{ row.administration_code }}</td><td>{{ row.language }}</td>
<td>{{ row.state }}</td><td>{{ row.submitted_at }}</td></tr>
{% endfor %}</tbody></table></main></body></html>"""


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
        return render_template_string(TEMPLATE, rows=page)

    return app


app = create_app() if os.environ.get("DATABASE_URL") else None
