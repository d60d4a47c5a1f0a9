"""Who may see what: a worker's personal details (privacy.py) and the client's money (prices.py);
every read path asks these rules."""
