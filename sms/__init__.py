"""SMS gateways (Twilio, outbox), templates, segment counting, reply parsing, rate limits."""
