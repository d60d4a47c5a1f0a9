"""The console's money pages (issue 21): a branch's payout batches (payout*.py) and invoices."""
