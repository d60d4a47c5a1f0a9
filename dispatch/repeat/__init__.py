"""Repeat orders: a copy for another day and a weekly pattern that places each day's order
at a set lead time."""
