"""Invoices and acts of completed work from approved timesheet lines, and royalty
statements (issue 21)."""
