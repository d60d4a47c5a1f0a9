"""The console's words per page module, in Russian and English: key -> (ru, en)."""
