"""Consensus review: per-stage settings on the edition; a consensus per entry and
stage with its kept draft versions, agreed scores (range and step checked by the
database, as for scores), agreed site-visit issues and the jurors' answers

Revision ID: 0013_consensus
Revises: 0010_optional_office_ids
Create Date: 2026-11-26 01:07:40.216233

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0013_consensus"
down_revision = "0010_optional_office_ids"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "consensus",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.SmallInteger(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "final",
                "closed",
                name="consensusstatus",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("finalised_at", sa.DateTime(), nullable=True),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column("close_reason", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "status != 'closed' OR (close_reason != '' AND closed_by_id IS NOT NULL)",
            name=op.f("ck_consensus_closed_has_reason"),
        ),
        sa.CheckConstraint(
            "status = 'open' OR finalised_at IS NOT NULL", name=op.f("ck_consensus_done_has_time")
        ),
        sa.CheckConstraint("stage IN (1, 2)", name=op.f("ck_consensus_stage")),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_consensus_application_id_application"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["closed_by_id"],
            ["user.id"],
            name=op.f("fk_consensus_closed_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["user.id"], name=op.f("fk_consensus_lead_id_user"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consensus")),
        sa.UniqueConstraint(
            "application_id", "stage", name=op.f("uq_consensus_application_id_stage")
        ),
        sa.UniqueConstraint("id", "stage", name="uq_consensus_id_stage"),
    )
    with op.batch_alter_table("consensus", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consensus_application_id"), ["application_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_consensus_closed_by_id"), ["closed_by_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_consensus_lead_id"), ["lead_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_consensus_status"), ["status"], unique=False)

    op.create_table(
        "consensus_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consensus_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.SmallInteger(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.CheckConstraint("number >= 1", name=op.f("ck_consensus_version_number_positive")),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user.id"],
            name=op.f("fk_consensus_version_author_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["consensus_id", "stage"],
            ["consensus.id", "consensus.stage"],
            name="fk_consensus_version_consensus_stage",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consensus_version")),
        sa.UniqueConstraint(
            "consensus_id", "number", name=op.f("uq_consensus_version_consensus_id_number")
        ),
        sa.UniqueConstraint("id", "stage", name="uq_consensus_version_id_stage"),
    )
    with op.batch_alter_table("consensus_version", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consensus_version_author_id"), ["author_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_consensus_version_consensus_id"), ["consensus_id"], unique=False
        )

    op.create_table(
        "consensus_issue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["consensus_version.id"],
            name=op.f("fk_consensus_issue_version_id_consensus_version"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consensus_issue")),
    )
    with op.batch_alter_table("consensus_issue", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consensus_issue_version_id"), ["version_id"], unique=False
        )

    op.create_table(
        "consensus_response",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("juror_id", sa.Integer(), nullable=False),
        sa.Column(
            "decision",
            sa.Enum(
                "agree",
                "object",
                name="responsedecision",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "decision = 'agree' OR comment != ''",
            name=op.f("ck_consensus_response_objection_has_comment"),
        ),
        sa.ForeignKeyConstraint(
            ["juror_id"],
            ["user.id"],
            name=op.f("fk_consensus_response_juror_id_user"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["consensus_version.id"],
            name=op.f("fk_consensus_response_version_id_consensus_version"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consensus_response")),
        sa.UniqueConstraint(
            "version_id", "juror_id", name=op.f("uq_consensus_response_version_id_juror_id")
        ),
    )
    with op.batch_alter_table("consensus_response", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consensus_response_juror_id"), ["juror_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_consensus_response_version_id"), ["version_id"], unique=False
        )

    op.create_table(
        "consensus_score",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.SmallInteger(), nullable=False),
        sa.Column("max_score", sa.Integer(), nullable=False),
        sa.Column("step", sa.Numeric(precision=2, scale=1, asdecimal=False), nullable=False),
        sa.Column("value", sa.Numeric(precision=7, scale=2, asdecimal=False), nullable=False),
        sa.Column("strengths", sa.Text(), nullable=False),
        sa.Column("improvements", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "round(value / step) = value / step", name=op.f("ck_consensus_score_value_step")
        ),
        sa.CheckConstraint(
            "value >= 0 AND value <= max_score", name=op.f("ck_consensus_score_value_range")
        ),
        sa.ForeignKeyConstraint(
            ["criterion_id", "stage", "max_score", "step"],
            ["criterion.id", "criterion.stage", "criterion.max_score", "criterion.step"],
            name="fk_consensus_score_criterion_scale",
            onupdate="CASCADE",
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["version_id", "stage"],
            ["consensus_version.id", "consensus_version.stage"],
            name="fk_consensus_score_version_stage",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consensus_score")),
        sa.UniqueConstraint(
            "version_id", "criterion_id", name=op.f("uq_consensus_score_version_id_criterion_id")
        ),
    )
    with op.batch_alter_table("consensus_score", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consensus_score_criterion_id"), ["criterion_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_consensus_score_version_id"), ["version_id"], unique=False
        )

    # Existing editions: no consensus review; the consensus score would rank
    # a consensus stage if one is switched on later.
    with op.batch_alter_table("edition", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("consensus_stage1", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("consensus_stage2", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column(
                "consensus_scoring",
                sa.Enum(
                    "consensus",
                    "mean",
                    name="consensusscoring",
                    native_enum=False,
                    create_constraint=True,
                    length=32,
                ),
                nullable=False,
                server_default="consensus",
            )
        )


def downgrade():
    with op.batch_alter_table("edition", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_edition_consensusscoring"), type_="check")
        batch_op.drop_column("consensus_scoring")
        batch_op.drop_column("consensus_stage2")
        batch_op.drop_column("consensus_stage1")

    with op.batch_alter_table("consensus_score", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consensus_score_version_id"))
        batch_op.drop_index(batch_op.f("ix_consensus_score_criterion_id"))

    op.drop_table("consensus_score")
    with op.batch_alter_table("consensus_response", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consensus_response_version_id"))
        batch_op.drop_index(batch_op.f("ix_consensus_response_juror_id"))

    op.drop_table("consensus_response")
    with op.batch_alter_table("consensus_issue", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consensus_issue_version_id"))

    op.drop_table("consensus_issue")
    with op.batch_alter_table("consensus_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consensus_version_consensus_id"))
        batch_op.drop_index(batch_op.f("ix_consensus_version_author_id"))

    op.drop_table("consensus_version")
    with op.batch_alter_table("consensus", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consensus_status"))
        batch_op.drop_index(batch_op.f("ix_consensus_lead_id"))
        batch_op.drop_index(batch_op.f("ix_consensus_closed_by_id"))
        batch_op.drop_index(batch_op.f("ix_consensus_application_id"))

    op.drop_table("consensus")
