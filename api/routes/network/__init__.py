"""The network's routers (issue 21): organisations, the format suggestion and the routing
preview (organisations.py); the call centre's orders (call_centre.py)."""
