"""What we assume of a worker with no record yet (the prior the rating issue starts from)."""

from decimal import Decimal

NEWCOMER_RATING = Decimal("3.50")
NEWCOMER_RELIABILITY = Decimal("0.800")
