"""The office's pages: the board and an order's page, the new-order form, changing an order,
booking a named worker, repeating it, short orders, the phone simulator, the lists' CSV."""
