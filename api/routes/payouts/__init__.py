"""Payout batches (issue 21): routes and bodies."""
