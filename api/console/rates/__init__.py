"""The console's rate pages (issue 21): the branch's rate card as an editable table
(card.py) and the new-order form's margin preview (margin.py); their own words (words.py)."""

from api.console import i18n
from api.console.rates.words import WORDS

i18n.add(WORDS)  # once, for both pages
