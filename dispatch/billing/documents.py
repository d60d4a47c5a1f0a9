"""The invoice (счёт на оплату) and the act of completed work (акт оказанных услуг) as data,
and as CSV (core/csvsafe.py's style: BOM, the language's separator and decimal mark). The PDF
is dispatch/billing/pdf.py's. No worker is named: lines are per order (personal data)."""

import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from num2words import num2words
from sqlalchemy.orm import Session

from core.csvsafe import BOM, STYLES, writer
from dispatch.billing.models import Invoice
from dispatch.billing.service import Group, check_details, groups
from sms.templates import skill_name

KINDS = ("invoice", "act")
# Each group's figures add up on the page: rate x hours = at_rate, at_rate + surcharge = amount.
COLUMNS = (
    "date",
    "order",
    "site",
    "skill",
    "workers",
    "hours",
    "rate",
    "at_rate",
    "surcharge",
    "amount",
)
LANGUAGES = ("ru", "en")

LABELS: dict[str, dict[str, str]] = {
    "ru": {
        "invoice": "Счёт на оплату",
        "act": "Акт оказанных услуг",
        "of": "от",
        "period": "Период",
        "seller": "Исполнитель",
        "buyer": "Заказчик",
        "inn": "ИНН",
        "kpp": "КПП",
        "ogrn": "ОГРН",
        "address": "Адрес",
        "bank": "Банк",
        "bik": "БИК",
        "account": "Р/с",
        "corr": "К/с",
        "date": "Дата",
        "order": "Заказ",
        "site": "Объект",
        "skill": "Работы",
        "workers": "Людей",
        "hours": "Часов",
        "rate": "Ставка",
        "at_rate": "По ставке",
        "surcharge": "Надбавки",
        "amount": "Сумма",
        "net": "Итого",
        "vat": "НДС {rate}%",
        "no_vat": "Без НДС",
        "total": "Всего к оплате",
        "in_words": "Сумма прописью",
        "act_note": "Услуги оказаны полностью и в срок; претензий по объёму, качеству и срокам "
        "Заказчик не имеет.",
    },
    "en": {
        "invoice": "Invoice",
        "act": "Act of services rendered",
        "of": "of",
        "period": "Period",
        "seller": "Contractor",
        "buyer": "Customer",
        "inn": "INN",
        "kpp": "KPP",
        "ogrn": "OGRN",
        "address": "Address",
        "bank": "Bank",
        "bik": "BIK",
        "account": "Account",
        "corr": "Corr. account",
        "date": "Date",
        "order": "Order",
        "site": "Site",
        "skill": "Work",
        "workers": "Workers",
        "hours": "Hours",
        "rate": "Rate",
        "at_rate": "At rate",
        "surcharge": "Surcharges",
        "amount": "Amount",
        "net": "Net",
        "vat": "VAT {rate}%",
        "no_vat": "VAT not charged",
        "total": "Total due",
        "in_words": "Total in words",
        "act_note": "The services were rendered in full and on time; the customer has no claims.",
    },
}


def in_words(amount: Decimal, language: str = "ru") -> str:
    """The total as documents write it: "Одна тысяча рублей, ноль копеек" (num2words'
    currency words; an English copy in English)."""
    text = str(num2words(amount, lang=language, to="currency", currency="RUB"))
    return text[:1].upper() + text[1:]


def percent(rate: Decimal) -> str:
    """0.22 -> "22", 0.075 -> "7.5"."""
    return format((rate * 100).normalize(), "f")


@dataclass(frozen=True)
class Document:
    kind: str  # "invoice" | "act"
    language: str
    invoice: Invoice
    groups: list[Group]

    def label(self, key: str) -> str:
        return LABELS[self.language][key]

    @property
    def title(self) -> str:
        day = self.invoice.issued_on.strftime(STYLES[self.language].date_format)
        return f"{self.label(self.kind)} № {self.invoice.number} {self.label('of')} {day}"

    @property
    def vat_label(self) -> str:
        if self.invoice.vat_rate is None:
            return self.label("no_vat")
        return self.label("vat").format(rate=percent(self.invoice.vat_rate))

    def party(self, who: str) -> list[str]:
        """The seller's (the branch's) or the buyer's (the client's) lines of details, as the
        invoice copied them when it was made."""
        row = self.invoice.seller if who == "seller" else self.invoice.buyer
        name = row["legal_name"] if who == "seller" else row["name"]
        ids = f"{self.label('inn')} {row['inn']}" + (
            f", {self.label('kpp')} {row['kpp']}" if row.get("kpp") else ""
        )
        lines = [
            f"{self.label(who)}: {name}",
            ids,
            f"{self.label('address')}: {row['legal_address']}",
        ]
        if who == "seller":
            corr = row.get("correspondent_account")
            lines.append(
                f"{self.label('bank')}: {row['bank_name']}, {self.label('bik')} {row['bik']}, "
                f"{self.label('account')} {row['bank_account']}"
                + (f", {self.label('corr')} {corr}" if corr else "")
            )
        return lines

    def period(self) -> str:
        fmt = STYLES[self.language].date_format
        return (
            f"{self.label('period')}: {self.invoice.period_from.strftime(fmt)} — "
            f"{self.invoice.period_to.strftime(fmt)}"
        )

    def columns(self) -> list[str]:
        keys = COLUMNS
        return [self.label(key) for key in keys]

    def rows(self) -> list[list[object]]:
        return [
            [g.day, g.order_code, g.site, skill_name(g.skill, self.language), g.workers, g.hours]
            + [g.rate, g.at_rate, g.surcharge, g.amount]
            for g in self.groups
        ]

    def totals(self) -> list[tuple[str, Decimal | None]]:
        inv = self.invoice
        vat = inv.vat if inv.vat_rate is not None else None
        return [
            (self.label("net"), inv.net),
            (self.vat_label, vat),
            (self.label("total"), inv.total),
        ]


def document(session: Session, invoice: Invoice, *, kind: str, language: str) -> Document:
    """The document's data, with the details the invoice copied when it was made (checked
    again: an invoice filled in by migration 0055 took the details as they then stood)."""
    check_details(invoice.seller, invoice.buyer)
    return Document(kind, language, invoice, groups(session, invoice))


def as_csv(doc: Document) -> bytes:
    style = STYLES[doc.language]

    def cell(value: object) -> object:
        if isinstance(value, date):
            return value.strftime(style.date_format)
        if isinstance(value, Decimal):
            return style.number(str(value))
        return value

    out = io.StringIO()
    out.write(BOM)
    sheet = writer(out, delimiter=style.delimiter)
    sheet.writerow([doc.title])
    sheet.writerow([doc.period()])
    for who in ("seller", "buyer"):
        sheet.writerow([", ".join(doc.party(who))])
    sheet.writerow([])
    sheet.writerow(doc.columns())
    sheet.writerows([cell(v) for v in row] for row in doc.rows())
    for label, value in doc.totals():
        blanks = [""] * (len(COLUMNS) - 2)
        sheet.writerow([label, *blanks, "" if value is None else cell(value)])
    sheet.writerow([doc.label("in_words"), in_words(doc.invoice.total, doc.language)])
    return out.getvalue().encode("utf-8")
