"""Words of the registry's pages, Russian and English, one module per page."""
