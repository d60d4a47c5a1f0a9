"""Each site page module's words in Russian and English."""
