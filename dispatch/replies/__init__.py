"""Inbound texts acted on: taken in once per provider id (intake.py), a reply's effect
(inbox.py), replies not understood (unclear.py), the throttle on automatic replies
(autoreply.py)."""
