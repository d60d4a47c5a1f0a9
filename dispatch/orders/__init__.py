"""Orders: taking them in and cancelling them (service.py), the board and an order's reads
(board.py, roster.py), when an order is short (shortage.py), how many to book
(overbooking.py), the new-order form's defaults (defaults.py)."""
