"""Issue 21: the network as a business. organisations (own or franchisee, a royalty rate);
branches get a brand, a format, an owner organisation, an area (a polygon, GiST-indexed) and
legal and bank details with a VAT rate; users get the roles owner (of an organisation) and
call_centre (no branch). Downgrade refuses while an owner or call-centre user exists.

Revision ID: 0047
Revises: 0046
Create Date: 2026-12-04
"""

import geoalchemy2
import sqlalchemy as sa
from alembic import op

revision = "0047"
down_revision = "0046"
branch_labels = None
depends_on = None

ROLES = ("admin", "owner", "call_centre", "manager", "dispatcher", "foreman", "recruiter", "client")
OLD_ROLES = ("admin", "manager", "dispatcher", "foreman", "recruiter", "client")
FORMATS = ("200-600k", "600k-1M", "capital")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _roles(roles: tuple[str, ...], branchless: str) -> None:
    op.drop_constraint(op.f("ck_users_role"), "users", type_="check")
    op.create_check_constraint(op.f("ck_users_role"), "users", _in("role", roles))
    op.drop_constraint(op.f("ck_users_branch_by_role"), "users", type_="check")
    op.create_check_constraint(
        op.f("ck_users_branch_by_role"), "users", f"({branchless}) = (branch_id IS NULL)"
    )


def upgrade() -> None:
    op.create_table(
        "organisations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("royalty_rate", sa.Numeric(5, 4), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint("kind IN ('own', 'franchisee')", name=op.f("ck_organisations_kind")),
        sa.CheckConstraint(
            "royalty_rate >= 0 AND royalty_rate < 1", name=op.f("ck_organisations_royalty_rate")
        ),
        sa.UniqueConstraint("name", name=op.f("uq_organisations_name")),
    )
    for name, kind in [
        ("brand", sa.String(100)),
        ("format", sa.String(10)),
        ("legal_name", sa.String(300)),
        ("inn", sa.String(12)),
        ("kpp", sa.String(9)),
        ("ogrn", sa.String(15)),
        ("legal_address", sa.String(500)),
        ("bank_name", sa.String(200)),
        ("bik", sa.String(9)),
        ("bank_account", sa.String(20)),
        ("correspondent_account", sa.String(20)),
        ("vat_rate", sa.Numeric(4, 3)),
    ]:
        op.add_column("branches", sa.Column(name, kind))
    op.add_column(
        "branches",
        sa.Column(
            "area",
            geoalchemy2.Geography(geometry_type="POLYGON", srid=4326, spatial_index=False),
        ),
    )
    op.create_index("idx_branches_area", "branches", ["area"], postgresql_using="gist")
    op.add_column(
        "branches", sa.Column("organisation_id", sa.Integer(), sa.ForeignKey("organisations.id"))
    )
    op.create_index(op.f("ix_branches_organisation_id"), "branches", ["organisation_id"])
    op.create_check_constraint(op.f("ck_branches_format"), "branches", _in("format", FORMATS))
    op.create_check_constraint(
        op.f("ck_branches_vat_rate"), "branches", "vat_rate >= 0 AND vat_rate < 1"
    )
    op.add_column(
        "users", sa.Column("organisation_id", sa.Integer(), sa.ForeignKey("organisations.id"))
    )
    op.create_index(op.f("ix_users_organisation_id"), "users", ["organisation_id"])
    _roles(ROLES, "role IN ('admin', 'owner', 'call_centre')")
    op.create_check_constraint(
        op.f("ck_users_owner_org"), "users", "(role = 'owner') = (organisation_id IS NOT NULL)"
    )


def downgrade() -> None:
    used = op.get_bind().scalar(
        sa.text("SELECT count(*) FROM users WHERE role IN ('owner', 'call_centre')")
    )
    if used:
        raise RuntimeError(f"{used} users are owners or the call centre")
    op.drop_constraint(op.f("ck_users_owner_org"), "users", type_="check")
    _roles(OLD_ROLES, "role = 'admin'")
    op.drop_index(op.f("ix_users_organisation_id"), "users")
    op.drop_column("users", "organisation_id")
    op.drop_constraint(op.f("ck_branches_vat_rate"), "branches", type_="check")
    op.drop_constraint(op.f("ck_branches_format"), "branches", type_="check")
    op.drop_index(op.f("ix_branches_organisation_id"), "branches")
    op.drop_column("branches", "organisation_id")
    op.drop_index("idx_branches_area", "branches")
    for name in (
        "area",
        "vat_rate",
        "correspondent_account",
        "bank_account",
        "bik",
        "bank_name",
        "legal_address",
        "ogrn",
        "kpp",
        "inn",
        "legal_name",
        "format",
        "brand",
    ):
        op.drop_column("branches", name)
    op.drop_table("organisations")
