"""The network's pages (issue 21): a branch's area drawn on a map (on its settings page), its
network and legal details, the organisations, and the call centre's order."""

from api.console import i18n
from api.console.network.words import WORDS

i18n.add(WORDS)  # once for the package's page modules
