"""HTTP routers, grouped as dispatch/ is by stage (the registry's in `registry/`); they
translate, the domain decides. The Twilio webhooks are `twilio.py`."""
