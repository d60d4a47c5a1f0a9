"""Bodies of the network's business (issue 21): organisations, a branch's network fields,
the routing preview and the call centre's order (bodies.py)."""
