"""What is texted to whom: texts filled from an order and queued in the outbox (messaging.py),
sending and the provider's callbacks (delivery.py), check-in links (links.py)."""
