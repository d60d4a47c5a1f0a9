"""Words of the branch's payouts pages (issue 21): payout batches, their bank CSV, and the
refusals of dispatch/penalties/batches.py."""

PAYOUT_WORDS = {
    "payouts_nav": ("Выплаты", "Payouts"),
    "payouts_title": ("Выплаты работникам", "Payouts to workers"),
    "payouts_note": (
        "Пакет берёт все оплачиваемые строки закрытых смен периода, которых нет в другом "
        "пакете; долг (штраф больше оплаты) вычитается из суммы работника.",
        "A batch takes every payable line of the period's closed shifts that no other batch "
        "holds; a debt (a fine exceeding the pay) is netted from the worker's sum.",
    ),
    "payouts_pick": ("Филиал", "Branch"),
    "payouts_from": ("С", "From"),
    "payouts_to": ("По (включительно)", "To (included)"),
    "payouts_preview": ("Показать, что войдёт", "Preview"),
    "payouts_preview_title": ("Войдёт в пакет за {period}", "A batch for {period} would take"),
    "payouts_make": ("Создать пакет выплат", "Make the payout batch"),
    "payouts_nothing": ("За этот период платить нечего.", "Nothing to pay for this period."),
    "payouts_batches": ("Пакеты", "Batches"),
    "payouts_none": ("Пакетов ещё нет.", "No batches yet."),
    "payouts_period": ("Период", "Period"),
    "payouts_total": ("Сумма", "Total"),
    "payouts_status": ("Состояние", "Status"),
    "payouts_status_draft": ("не выплачен", "not paid"),
    "payouts_status_paid": ("выплачен", "paid"),
    "payouts_created": ("Создан", "Made"),
    "payouts_open": ("Открыть", "Open"),
    "payouts_worker": ("Работник", "Worker"),
    "payouts_someone": ("Работник №{id}", "Worker #{id}"),
    "payouts_phone": ("Телефон", "Phone"),
    "payouts_lines": ("Смен", "Shifts"),
    "payouts_amount": ("К выплате", "To pay"),
    "payouts_batch_title": ("Пакет выплат №{id}", "Payout batch #{id}"),
    "payouts_made_by": ("создал(а) {name} {at}", "made by {name} {at}"),
    "payouts_paid_line": (
        "Выплачен {at} ({method}), отметил(а) {name}",
        "Paid {at} ({method}), marked by {name}",
    ),
    "payouts_mark_paid": ("Отметить выплаченным", "Mark paid"),
    "payouts_paid_on": ("Дата выплаты", "Paid on"),
    "payouts_method": ("Способ", "Method"),
    "payouts_method_bank": ("банк", "bank"),
    "payouts_method_cash": ("наличные", "cash"),
    "payouts_method_card": ("карта", "card"),
    "payouts_download": ("Скачать файл для банка", "Download the bank file"),
    "payouts_delete": ("Удалить черновик", "Delete the draft"),
    "payouts_made": ("Пакет создан.", "The batch is made."),
    "payouts_marked": ("Пакет отмечен выплаченным.", "The batch is marked paid."),
    "payouts_back": ("Ко всем пакетам", "All batches"),
    # the pages' fields, as a refusal names them
    "field_batch_id": ("Номер пакета выплат", "Payout batch number"),
    "field_period_from": ("Начало периода", "Period start"),
    "field_period_to": ("Конец периода", "Period end"),
    "field_paid_on": ("Дата выплаты", "Paid on"),
    "field_payout_method": ("Способ выплаты", "Payout method"),
    # refusals (dispatch/penalties/errors.py)
    "err_payout_batch_not_found": ("Пакет выплат не найден.", "No such payout batch."),
    "err_batch_already_paid": (
        "Пакет уже отмечен выплаченным.",
        "The batch is already marked paid.",
    ),
    "err_payout_lines_taken": (
        "Часть строк только что взял другой пакет; создайте пакет ещё раз.",
        "Another batch took some of these lines just now; make the batch again.",
    ),
    "err_payout_batch_empty": (
        "За этот период платить нечего: все строки уже в пакетах.",
        "Nothing to pay for this period: every line is in a batch.",
    ),
    "err_payout_batch_office_only": (
        "Пакеты выплат ведёт офис.",
        "Payout batches are the office's.",
    ),
}
