"""The rate card: per branch and skill what a client pays an hour and what the worker is
paid, with the night and day-off surcharges (percent) and the minimum hours. The branch's
rows live here; a client's own rows (rates agreed with one client) are the client_rates
table's (dispatch/client_models.py ClientRate, extended with the same terms), so a client's
agreed rates have ONE store that the client page and the card both edit (docs/rates.md)."""

from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from core.models import Base, Timestamped
from dispatch.client_models import TERMS_CHECKS, SurchargeTerms


class RateCard(SurchargeTerms, Timestamped, Base):
    __tablename__ = "rate_cards"
    __table_args__ = (
        CheckConstraint("client_rate >= 0 AND worker_rate >= 0", name="rates"),
        *(CheckConstraint(check, name=name) for name, check in TERMS_CHECKS.items()),
    )

    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), primary_key=True)
    skill: Mapped[str] = mapped_column(String(40), primary_key=True)
    client_rate: Mapped[Decimal] = mapped_column(Numeric(10, 2), nullable=False)
    worker_rate: Mapped[Decimal] = mapped_column(Numeric(10, 2), nullable=False)
