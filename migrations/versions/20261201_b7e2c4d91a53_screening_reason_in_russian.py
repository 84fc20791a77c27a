"""The reason an application was found ineligible, in Russian beside the English one, so that
each applicant reads it in their own language.

A reason given before keeps its column and is shown in either language.

Revision ID: b7e2c4d91a53
Revises: 3c9e1f0a7b42
Create Date: 2026-12-01 16:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7e2c4d91a53'
down_revision = '3c9e1f0a7b42'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.add_column(sa.Column('screening_reason_ru', sa.Text(), nullable=False,
                                      server_default=''))


def downgrade():
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.drop_column('screening_reason_ru')
