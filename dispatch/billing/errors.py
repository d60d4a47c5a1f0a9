"""Errors of invoices and royalty statements; each has a stable `code` (core/errors.py) that
the API sends and the console turns into words."""

from core.errors import Conflict, Forbidden, InvalidInput, NotFound


class InvoiceNotFound(NotFound):
    code = "invoice_not_found"

    def __init__(self, invoice_id: int):
        super().__init__("invoice", invoice_id)


class NothingToInvoice(Conflict):
    """No line of the client's period may be invoiced: none approved, settled or undisputed
    long enough, or all on invoices already."""

    code = "nothing_to_invoice"

    def __init__(self) -> None:
        super().__init__("no timesheet line of this client and period can be invoiced")


class InvoiceLineTaken(Conflict):
    """Another invoice took one of the lines at the same moment (the unique key decided)."""

    code = "invoice_line_taken"

    def __init__(self) -> None:
        super().__init__("a line was invoiced by another invoice at the same time; try again")


class InvoicesManagersOnly(Forbidden):
    """Invoices are made by the branch's managers (and admins)."""

    code = "invoices_managers_only"

    def __init__(self) -> None:
        super().__init__("only a manager or an admin makes invoices")


class RoyaltiesForbidden(Forbidden):
    """Royalty statements are the network's (admins) and the organisation's owner's."""

    code = "royalties_forbidden"

    def __init__(self) -> None:
        super().__init__("only admins and owners read royalty statements")


class LegalDetailsMissing(InvalidInput):
    """An invoice needs the branch's and the client's legal details: names the missing one
    ("client.inn", "branch.bank_account")."""

    code = "legal_details_missing"

    def __init__(self, field: str):
        super().__init__(field, f"{field} is needed on an invoice; fill it in first")
