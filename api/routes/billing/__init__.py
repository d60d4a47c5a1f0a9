"""Invoices, acts and royalty statements over the API (issue 21)."""
