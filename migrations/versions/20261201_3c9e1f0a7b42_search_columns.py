"""Search columns: users' and applications' names (and users' e-mails) folded in Python, so that
a search finds "Айбек" as "айбек" on SQLite as on PostgreSQL; and the applicant's name in native
script copied onto the application, where the coordinator's list searches it.

Filled here for the rows that exist, with the same folding the portal uses on every write
(portal/search.py). The columns keep an empty default in the database, as the models say: on
SQLite, dropping it would mean rebuilding tables that other rows point to.

Revision ID: 3c9e1f0a7b42
Revises: 546132d8becb
Create Date: 2026-12-01 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

from portal.search import search_text


# revision identifiers, used by Alembic.
revision = '3c9e1f0a7b42'
down_revision = '546132d8becb'
branch_labels = None
depends_on = None

BATCH = 1000


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_text', sa.Text(), nullable=False, server_default=''))
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.add_column(sa.Column('applicant_native_name', sa.String(length=200),
                                      nullable=False, server_default=''))
        batch_op.add_column(sa.Column('search_text', sa.Text(), nullable=False, server_default=''))

    connection = op.get_bind()
    user = sa.table('user', sa.column('id', sa.Integer), sa.column('full_name', sa.String),
                    sa.column('native_name', sa.String), sa.column('email', sa.String),
                    sa.column('search_text', sa.Text))
    _fill(connection, user, [
        {'row_id': row.id, 'value': search_text(row.full_name, row.native_name, row.email)}
        for row in connection.execute(sa.select(user.c.id, user.c.full_name, user.c.native_name,
                                                user.c.email))])

    section = sa.table('application_section', sa.column('application_id', sa.Integer),
                       sa.column('key', sa.String), sa.column('answers', sa.JSON))
    native = {row.application_id: ((row.answers or {}).get('native_name') or '')[:200]
              for row in connection.execute(sa.select(section.c.application_id, section.c.answers)
                                            .where(section.c.key == 'personal'))}
    application = sa.table('application', sa.column('id', sa.Integer),
                           sa.column('applicant_name', sa.String),
                           sa.column('applicant_native_name', sa.String),
                           sa.column('search_text', sa.Text))
    rows = connection.execute(sa.select(application.c.id, application.c.applicant_name)).all()
    _fill(connection, application, [
        {'row_id': row.id, 'native': native.get(row.id, ''),
         'value': search_text(row.applicant_name, native.get(row.id, ''))} for row in rows],
        applicant_native_name=sa.bindparam('native'))


def _fill(connection, table, values, **more):
    statement = (sa.update(table).where(table.c.id == sa.bindparam('row_id'))
                 .values(search_text=sa.bindparam('value'), **more))
    for start in range(0, len(values), BATCH):
        connection.execute(statement, values[start:start + BATCH])


def downgrade():
    # Not in batch mode: SQLite (3.35 and later) drops a column in place, where a batch would
    # rebuild the tables, which fails while other rows point at theirs.
    op.drop_column('application', 'search_text')
    op.drop_column('application', 'applicant_native_name')
    op.drop_column('user', 'search_text')
