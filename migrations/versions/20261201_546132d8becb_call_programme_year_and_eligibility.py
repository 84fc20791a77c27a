"""A call's programme year, which names its reference numbers, and the eligibility rules the
portal checks (a minimum of years in customs service; former fellows excluded).

The programme year of each existing call is the year its title names (English, then Russian,
then the slug), as "ROCB Europe Fellowship Programme 2027" does; where a text names no year or
several, the year of its deadline; a draft with neither keeps none, and must be given one
before it opens. References already given are left as they are: applicants have them by
e-mail. Numbers continue in each year's counter, so no reference is given twice.

Revision ID: 546132d8becb
Revises: fe3fd396d035
Create Date: 2026-12-01 10:00:00.000000

"""
import re

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '546132d8becb'
down_revision = 'fe3fd396d035'
branch_labels = None
depends_on = None

YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")


def programme_year(title_en, title_ru, slug, closes_at, opens_at):
    """The year the call's title names, else its deadline's (or opening's) year, else None."""
    for text in (title_en, title_ru, slug):
        years = set(YEAR.findall(text or ""))
        if len(years) == 1:
            return int(years.pop())
    for moment in (closes_at, opens_at):
        if moment is not None:
            return moment.year
    return None


def upgrade():
    with op.batch_alter_table('call', schema=None) as batch_op:
        batch_op.add_column(sa.Column('programme_year', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('min_years_in_service', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('former_fellows_excluded', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))

    call = sa.table('call', sa.column('id', sa.Integer()), sa.column('title_en', sa.String()),
                    sa.column('title_ru', sa.String()), sa.column('slug', sa.String()),
                    sa.column('closes_at', sa.DateTime(timezone=True)),
                    sa.column('opens_at', sa.DateTime(timezone=True)),
                    sa.column('programme_year', sa.Integer()))
    connection = op.get_bind()
    rows = connection.execute(sa.select(call.c.id, call.c.title_en, call.c.title_ru, call.c.slug,
                                        call.c.closes_at, call.c.opens_at)).all()
    for row in rows:
        year = programme_year(row.title_en, row.title_ru, row.slug, row.closes_at, row.opens_at)
        if year is not None:
            connection.execute(sa.update(call).where(call.c.id == row.id)
                               .values(programme_year=year))


def downgrade():
    with op.batch_alter_table('call', schema=None) as batch_op:
        batch_op.drop_column('former_fellows_excluded')
        batch_op.drop_column('min_years_in_service')
        batch_op.drop_column('programme_year')
