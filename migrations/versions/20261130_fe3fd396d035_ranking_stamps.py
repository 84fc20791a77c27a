"""Counters per call that move with every change of its ranking's inputs and decisions.

Rankings kept in a worker are keyed by them (portal/selection/stamps.py). A call without a row
counts as (0, 0); nothing needs filling in for calls that exist already, as no worker keeps a
ranking across the upgrade.

Revision ID: fe3fd396d035
Revises: 65b5718de409
Create Date: 2026-11-30 01:10:06.115643

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'fe3fd396d035'
down_revision = '65b5718de409'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('ranking_stamp',
    sa.Column('call_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('inputs', sa.Integer(), nullable=False),
    sa.Column('decisions', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['call_id'], ['call.id'], name=op.f('fk_ranking_stamp_call_id_call'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('call_id', name=op.f('pk_ranking_stamp'))
    )


def downgrade():
    op.drop_table('ranking_stamp')