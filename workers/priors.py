"""What we assume of a worker with no record yet: the prior their rating starts from."""

from decimal import Decimal

# rating.policy.figures([], [], []): tests/rating check the two agree.
NEWCOMER_RATING = Decimal("4.00")
NEWCOMER_RELIABILITY = Decimal("0.800")
