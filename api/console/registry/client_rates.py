"""The rates agreed with a client, on its console page (issue 18): per skill what the client
pays an hour and what the worker is paid; an order placed without rates (always so by the
client itself) takes them. The rules are dispatch/rates/agreed.py's; a refusal
is shown beside the table, with what was typed kept."""

import re
from decimal import Decimal

from sqlalchemy.orm import Session

from core.csvsafe import decimal_text
from core.errors import InvalidInput
from core.tenancy import Actor
from dispatch.models import Client
from dispatch.rates import agreed as rates
from dispatch.rates.card import may_write_card
from sms.templates import skill_name
from workers.skills import SKILLS

MONEY = re.compile(r"^\d{1,8}([.,]\d{1,2})?$")  # the stored Numeric(10, 2)
NEW_ROWS = 1  # blank rows under the agreed ones, for a new skill


def rates_context(session: Session, actor: Actor, client: Client, lang: str) -> dict:
    """The client page's rates table: the agreed rates as typed text, then a blank row."""
    rows = [
        {
            "skill": r.skill,
            "client_rate": decimal_text(f"{r.client_rate:.2f}", lang),
            "worker_rate": decimal_text(f"{r.worker_rate:.2f}", lang),
        }
        for r in rates.list_rates(session, actor=actor, client_id=client.id)
    ]
    blank = {"skill": "", "client_rate": "", "worker_rate": ""}
    skills = [(s, skill_name(s, lang)) for s in SKILLS]
    if not may_write_card(actor):  # shown, not edited
        return {"rates": rows, "skills": skills, "rates_editable": False}
    rows += [dict(blank) for _ in range(NEW_ROWS)]
    return {"rates": rows, "skills": skills, "rates_editable": True}


def _amount(raw: str, field: tuple[str, ...]) -> Decimal:
    text = raw.strip().replace(" ", "")
    if not MONEY.match(text):
        raise InvalidInput(field, "an amount like 250 or 250,50")
    return Decimal(text.replace(",", "."))


def agreed_of(typed: list[tuple[str, str, str]]) -> list[rates.AgreedRate]:
    """The typed rows (skill, client rate, worker rate) as rates; a wholly blank row is none."""
    agreed = []
    for i, row in enumerate(typed):
        if not any(value.strip() for value in row):
            continue
        name, client_amount, worker_amount = row
        agreed.append(
            rates.AgreedRate(
                name.strip(),
                _amount(client_amount, (str(i), "client_rate")),
                _amount(worker_amount, (str(i), "worker_rate")),
            )
        )
    return agreed
