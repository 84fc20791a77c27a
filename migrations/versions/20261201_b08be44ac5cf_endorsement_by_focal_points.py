"""Endorsement by focal points: the administrations' nominating officials, the calls'
endorsement settings, and each application's endorsement.

Revision ID: b08be44ac5cf
Revises: f6672b129c67
Create Date: 2026-12-01 18:55:31.564351

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b08be44ac5cf'
down_revision = 'f6672b129c67'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('focal_point',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('administration_code', sa.String(length=2), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['administration_code'], ['administration.code'], name=op.f('fk_focal_point_administration_code_administration')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_focal_point_created_by_id_user')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_focal_point_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_focal_point')),
    sa.UniqueConstraint('administration_code', 'user_id', name=op.f('uq_focal_point_administration_code'))
    )
    with op.batch_alter_table('focal_point', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_focal_point_administration_code'), ['administration_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_focal_point_user_id'), ['user_id'], unique=False)

    op.create_table('endorsement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('administration_code', sa.String(length=2), nullable=False),
    sa.Column('state', sa.Enum('requested', 'endorsed', 'declined', name='endorsementstate', native_enum=False, length=16), nullable=False),
    sa.Column('statement', sa.Text(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=True),
    sa.Column('letter_key', sa.String(length=100), nullable=True),
    sa.Column('letter_name', sa.String(length=255), nullable=False),
    sa.Column('letter_size', sa.Integer(), nullable=True),
    sa.Column('letter_sha256', sa.String(length=64), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['administration_code'], ['administration.code'], name=op.f('fk_endorsement_administration_code_administration')),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_endorsement_application_id_application'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['call_id'], ['call.id'], name=op.f('fk_endorsement_call_id_call')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_endorsement_decided_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_endorsement')),
    sa.UniqueConstraint('application_id', name=op.f('uq_endorsement_application_id')),
    sa.UniqueConstraint('letter_key', name=op.f('uq_endorsement_letter_key'))
    )
    with op.batch_alter_table('endorsement', schema=None) as batch_op:
        batch_op.create_index('ix_endorsement_call_administration', ['call_id', 'administration_code', 'state', 'priority'], unique=False)
        batch_op.create_index(batch_op.f('ix_endorsement_call_id'), ['call_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_endorsement_state'), ['state'], unique=False)

    with op.batch_alter_table('call', schema=None) as batch_op:
        batch_op.add_column(sa.Column('endorsement_required', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('endorsement_deadline', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('endorsement_quota', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('endorsement_before_submission', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('endorsement_reason_shown', sa.Boolean(), server_default=sa.false(), nullable=False))



def downgrade():
    with op.batch_alter_table('call', schema=None) as batch_op:
        batch_op.drop_column('endorsement_reason_shown')
        batch_op.drop_column('endorsement_before_submission')
        batch_op.drop_column('endorsement_quota')
        batch_op.drop_column('endorsement_deadline')
        batch_op.drop_column('endorsement_required')

    with op.batch_alter_table('endorsement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_endorsement_state'))
        batch_op.drop_index(batch_op.f('ix_endorsement_call_id'))
        batch_op.drop_index('ix_endorsement_call_administration')

    op.drop_table('endorsement')
    with op.batch_alter_table('focal_point', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_focal_point_user_id'))
        batch_op.drop_index(batch_op.f('ix_focal_point_administration_code'))

    op.drop_table('focal_point')
