"""Filling an order: who may be offered (eligibility.py), the matcher (matcher.py), ranking and
wave sizes (ranking.py), waves and answers (waves.py), confirmations before the shift
(confirmations.py), the office's hand on one offer (office.py), the pushes for a short order
(pushes.py), other branches' workers shown roughly (whereabouts.py)."""
