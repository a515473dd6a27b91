"""task kept state: each onboarding task's newest live state event and completion, kept as columns

Revision ID: c3d8f1a6b2e4
Revises: c3d8f1a6b920
Create Date: 2026-12-07 19:40:00.000000

The columns are filled from the events as ``record.states.kept_state`` folds them: the newest
event (by seq) of the task among the state kinds, and among the completion kinds, leaving out
every event a correction (VOIDED) of the same record voids.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3d8f1a6b2e4'
down_revision = 'c3d8f1a6b920'
branch_labels = None
depends_on = None

# Spelled out, not imported: a migration keeps meaning what it meant when it was written.
DONE_KINDS = ('completed', 'acknowledged', 'credential_recorded', 'carried_over')
STATE_KINDS = (*DONE_KINDS, 'undone', 'policy_revised', 'signed_off', 'verified', 'confirmed',
               'needs_practice', 'rejected')

tasks = sa.table(
    'onboarding_tasks', sa.column('id', sa.Integer), sa.column('state_event_id', sa.Integer),
    sa.column('state_kind', sa.String), sa.column('done_event_id', sa.Integer),
)
events = sa.table(
    'onboarding_events', sa.column('id', sa.Integer), sa.column('onboarding_id', sa.Integer),
    sa.column('task_id', sa.Integer), sa.column('seq', sa.Integer),
    sa.column('kind', sa.String), sa.column('payload', sa.JSON),
)


def _newest(kinds, column):
    """The task's newest live event among ``kinds``: its ``column``."""
    event, correction = events.alias('event'), events.alias('correction')
    voids = correction.c.payload['voids'].as_integer()
    voided = sa.select(voids).where(
        correction.c.onboarding_id == event.c.onboarding_id,
        correction.c.kind == 'voided',
        voids.is_not(None),
    )
    return (
        sa.select(event.c[column])
        .where(event.c.task_id == tasks.c.id, event.c.kind.in_(kinds),
               event.c.id.not_in(voided))
        .order_by(event.c.seq.desc())
        .limit(1)
        .scalar_subquery()
    )


# Every task's columns from its events (tests/web/test_task_states.py runs it on both databases).
BACKFILL = tasks.update().values(
    state_event_id=_newest(STATE_KINDS, 'id'),
    state_kind=_newest(STATE_KINDS, 'kind'),
    done_event_id=_newest(DONE_KINDS, 'id'),
)


def upgrade():
    with op.batch_alter_table('onboarding_tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('state_event_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('state_kind', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('done_event_id', sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f('ix_onboarding_tasks_done_event_id'), ['done_event_id']
        )
    op.execute(BACKFILL)


def downgrade():
    with op.batch_alter_table('onboarding_tasks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_onboarding_tasks_done_event_id'))
        batch_op.drop_column('done_event_id')
        batch_op.drop_column('state_kind')
        batch_op.drop_column('state_event_id')
