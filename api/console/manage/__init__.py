"""A manager's pages: staff (adding and editing them), the branch's settings and its texts."""

from api.console import i18n
from api.console.manage.words import WORDS

i18n.add(WORDS)  # once for the package's three page modules
