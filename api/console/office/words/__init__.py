"""Each office page module's words in Russian and English."""
