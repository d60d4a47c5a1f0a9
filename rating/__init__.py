"""Penalty policy, penalty ledger, reviews, rating and reliability, suspensions."""
