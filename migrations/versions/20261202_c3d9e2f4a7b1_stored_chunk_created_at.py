"""The moment each stored chunk was written, so that the storage sweep can tell an orphan from a
file whose row is still being committed

Revision ID: c3d9e2f4a7b1
Revises: a86ad80faa4e
Create Date: 2026-12-02 00:58:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3d9e2f4a7b1'
down_revision = 'a86ad80faa4e'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('stored_chunk', schema=None) as batch_op:
        batch_op.add_column(sa.Column('created_at', sa.DateTime(timezone=True), nullable=True))
    # Chunks written before this migration count from now: the sweep then waits its full delay.
    op.execute(sa.text("UPDATE stored_chunk SET created_at = CURRENT_TIMESTAMP"))
    with op.batch_alter_table('stored_chunk', schema=None) as batch_op:
        batch_op.alter_column('created_at', existing_type=sa.DateTime(timezone=True),
                              nullable=False)


def downgrade():
    with op.batch_alter_table('stored_chunk', schema=None) as batch_op:
        batch_op.drop_column('created_at')
