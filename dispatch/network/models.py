"""Organisations and the branch's business fields: who owns a branch, under which brand and
format, the area it serves, and the legal and bank details its invoices carry."""

from decimal import Decimal

from geoalchemy2 import Geography, WKBElement
from sqlalchemy import CheckConstraint, ForeignKey, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from core.models import Base, Timestamped, in_check

ORGANISATION_KINDS = ("own", "franchisee")
# The seed's city-size bands (population of the branch's city): network/formats.py suggests one.
FORMATS = ("200-600k", "600k-1M", "capital")


class Organisation(Timestamped, Base):
    """The network's own company or a franchisee: owns branches, pays a royalty on turnover."""

    __tablename__ = "organisations"
    __table_args__ = (
        in_check("kind", ORGANISATION_KINDS),
        CheckConstraint("royalty_rate >= 0 AND royalty_rate < 1", name="royalty_rate"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)
    kind: Mapped[str] = mapped_column(String(12), nullable=False)
    # A share of invoiced turnover (0.06 = 6 %) the franchisee pays the network each month.
    royalty_rate: Mapped[Decimal] = mapped_column(Numeric(5, 4), nullable=False)


class BranchNetwork:
    """The branch's place in the network and its legal details (mixed into Branch; its CHECKs
    are with Branch's own)."""

    brand: Mapped[str | None] = mapped_column(String(100))
    format: Mapped[str | None] = mapped_column(String(10))
    # The area the branch serves: a call-centre order at a site inside it goes to this branch.
    area: Mapped[WKBElement | None] = mapped_column(
        Geography(geometry_type="POLYGON", srid=4326, spatial_index=True)
    )
    # The company invoicing in the branch's name (the organisation's, or its own).
    legal_name: Mapped[str | None] = mapped_column(String(300))
    inn: Mapped[str | None] = mapped_column(String(12))
    kpp: Mapped[str | None] = mapped_column(String(9))
    ogrn: Mapped[str | None] = mapped_column(String(15))
    legal_address: Mapped[str | None] = mapped_column(String(500))
    bank_name: Mapped[str | None] = mapped_column(String(200))
    bik: Mapped[str | None] = mapped_column(String(9))
    bank_account: Mapped[str | None] = mapped_column(String(20))  # расчётный счёт
    correspondent_account: Mapped[str | None] = mapped_column(String(20))
    # VAT charged on invoices, as a share (0.22); None: the branch invoices without VAT.
    vat_rate: Mapped[Decimal | None] = mapped_column(Numeric(4, 3))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
