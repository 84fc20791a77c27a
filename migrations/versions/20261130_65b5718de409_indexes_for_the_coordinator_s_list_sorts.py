"""Indexes for the coordinator's list of applications, one per sort.

A page of 50 is then read from the index in order instead of sorting the whole call first.

Revision ID: 65b5718de409
Revises: 683e7ed66348
Create Date: 2026-11-30 01:05:35.786311

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '65b5718de409'
down_revision = '683e7ed66348'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.create_index('ix_application_call_administration', ['call_id', 'administration_code', 'applicant_name'], unique=False)
        batch_op.create_index('ix_application_call_name', ['call_id', 'applicant_name', 'id'], unique=False)
        batch_op.create_index('ix_application_call_submitted', ['call_id', 'submitted_at', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.drop_index('ix_application_call_submitted')
        batch_op.drop_index('ix_application_call_name')
        batch_op.drop_index('ix_application_call_administration')
