"""The registry's pages: clients and their sites, workers registered, vetted and imported."""
