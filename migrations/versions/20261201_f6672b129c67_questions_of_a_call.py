"""Questions of a call: a call's own questions and sections, its settings of the built-in
answers, and files that answer a question.

Revision ID: f6672b129c67
Revises: 5e8d0c2a9f14
Create Date: 2026-12-01 18:36:11.029111

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f6672b129c67'
down_revision = '5e8d0c2a9f14'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('form_section',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=False),
    sa.Column('title_ru', sa.String(length=200), nullable=False),
    sa.Column('intro_en', sa.Text(), nullable=False),
    sa.Column('intro_ru', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['call_id'], ['call.id'], name=op.f('fk_form_section_call_id_call'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_form_section')),
    sa.UniqueConstraint('call_id', 'key', name=op.f('uq_form_section_call_id'))
    )
    with op.batch_alter_table('form_section', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_form_section_call_id'), ['call_id'], unique=False)

    op.create_table('question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('section_key', sa.String(length=32), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('short_text', 'long_text', 'single_choice', 'multiple_choice', 'yes_no', 'number', 'date', 'file', name='questionkind', native_enum=False, length=20), nullable=False),
    sa.Column('text_en', sa.String(length=500), nullable=False),
    sa.Column('text_ru', sa.String(length=500), nullable=False),
    sa.Column('help_en', sa.Text(), nullable=False),
    sa.Column('help_ru', sa.Text(), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('blind_visible', sa.Boolean(), nullable=False),
    sa.Column('word_limit', sa.Integer(), nullable=True),
    sa.Column('min_value', sa.Integer(), nullable=True),
    sa.Column('max_value', sa.Integer(), nullable=True),
    sa.Column('choices', sa.JSON(), nullable=False),
    sa.Column('file_types', sa.JSON(), nullable=False),
    sa.Column('max_size_mb', sa.Integer(), nullable=True),
    sa.Column('rule_operator', sa.Enum('at_least', 'at_most', 'equals', 'one_of', 'none_of', name='ruleoperator', native_enum=False, length=16), nullable=True),
    sa.Column('rule_value', sa.JSON(), nullable=True),
    sa.Column('rule_message_en', sa.Text(), nullable=False),
    sa.Column('rule_message_ru', sa.Text(), nullable=False),
    sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['call_id'], ['call.id'], name=op.f('fk_question_call_id_call'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question'))
    )
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_call_id'), ['call_id'], unique=False)
        batch_op.create_index('ix_question_call_section', ['call_id', 'section_key', 'position'], unique=False)

    with op.batch_alter_table('call', schema=None) as batch_op:
        batch_op.add_column(sa.Column('form_settings', sa.JSON(), nullable=False,
                                      server_default='{}'))

    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.add_column(sa.Column('question_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_document_question_id'), ['question_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_document_question_id_question'), 'question', ['question_id'], ['id'])



def downgrade():
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_document_question_id_question'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_document_question_id'))
        batch_op.drop_column('question_id')

    with op.batch_alter_table('call', schema=None) as batch_op:
        batch_op.drop_column('form_settings')

    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_index('ix_question_call_section')
        batch_op.drop_index(batch_op.f('ix_question_call_id'))

    op.drop_table('question')
    with op.batch_alter_table('form_section', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_form_section_call_id'))

    op.drop_table('form_section')
