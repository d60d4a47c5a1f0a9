"""The network as a business: organisations (own and franchisees), each branch's brand,
format, area and legal details (issue 21)."""
