"""The office's pages: the board and an order's page, the new-order form, short orders, workers
and their messages, the phone simulator."""
