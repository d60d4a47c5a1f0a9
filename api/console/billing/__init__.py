"""The console's billing pages (issue 21): invoices and acts, royalty statements."""
