"""Ids are PostgreSQL integers: anything outside this range is refused as bad input."""

MAX_ID = 2**31 - 1
