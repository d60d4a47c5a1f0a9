"""What a client hears about their orders: events recorded once per order (events.py), sent to
the client's systems as signed webhooks (subscriptions.py, delivery.py) and to the client's
contacts as texts (notices.py). Below orders/ so every stage of the flow can record one."""
