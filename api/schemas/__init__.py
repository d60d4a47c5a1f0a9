"""Request and response bodies, one module per topic, as dispatch/ is split by stage:
the shared types (`common.py`), then `registry.py`, `orders.py`, `fill.py`, `texts.py`,
`shift.py` and `penalties.py`."""
