"""Penalties as dispatch records them: ledger entries from what happened on orders, the
worker's figures recomputed and the worker told (record.py)."""
