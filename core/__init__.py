"""Settings, database, broker, clock, base model and errors: the ground every package stands on."""
