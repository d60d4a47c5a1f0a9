"""The invoice and royalty pages' words, and the billing errors' (by code), in Russian and
English: key -> (ru, en)."""

WORDS = {
    "invoices_nav": ("Счета", "Invoices"),
    "invoices_title": ("Счета и акты", "Invoices and acts"),
    "invoices_intro": (
        "В счёт входят строки табеля, подтверждённые клиентом или урегулированные, и "
        "неоспоренные через заданное число дней после закрытия заказа. Оспоренные строки "
        "в счёт не входят.",
        "An invoice takes the timesheet lines the client approved or settled, and those left "
        "undisputed for the set number of days after the order closed. Disputed lines stay out.",
    ),
    "invoices_new": ("Новый счёт", "New invoice"),
    "invoices_client": ("Клиент", "Client"),
    "invoices_from": ("С", "From"),
    "invoices_to": ("По", "To"),
    "invoices_preview": ("Показать строки", "Show the lines"),
    "invoices_make": ("Выставить счёт", "Make the invoice"),
    "invoices_in": ("Войдут в счёт", "On the invoice"),
    "invoices_out": ("Не войдут", "Left out"),
    "invoices_none_in": ("Нечего выставлять за этот период.", "Nothing to invoice in this period."),
    "invoices_list": ("Выставленные счета", "Invoices made"),
    "invoices_empty": ("Счетов пока нет.", "No invoices yet."),
    "invoices_number": ("Номер", "Number"),
    "invoices_period": ("Период", "Period"),
    "invoices_net": ("Без НДС", "Net"),
    "invoices_vat": ("НДС", "VAT"),
    "invoices_no_vat": ("без НДС", "no VAT"),
    "invoices_total": ("Всего", "Total"),
    "invoices_date": ("Дата", "Date"),
    "invoices_order": ("Заказ", "Order"),
    "invoices_site": ("Объект", "Site"),
    "invoices_hours": ("Часов", "Hours"),
    "invoices_amount": ("Сумма", "Amount"),
    "invoices_why": ("Причина", "Why"),
    "invoices_files": ("Документы", "Documents"),
    "invoices_invoice_pdf": ("Счёт (для печати)", "Invoice (PDF)"),
    "invoices_invoice_csv": ("Счёт (таблица)", "Invoice (CSV)"),
    "invoices_act_pdf": ("Акт (для печати)", "Act (PDF)"),
    "invoices_act_csv": ("Акт (таблица)", "Act (CSV)"),
    "invoices_made": ("Счёт {number} выставлен.", "Invoice {number} made."),
    "invoices_left_disputed": ("оспорена клиентом", "disputed by the client"),
    "invoices_left_too_recent": (
        "ещё не подтверждена и срок не прошёл",
        "not approved yet, and the wait is not over",
    ),
    "invoices_left_invoiced": ("уже в другом счёте", "on another invoice already"),
    "invoices_left_nothing_billed": ("нет оплачиваемых часов", "no billed hours"),
    "royalties_nav": ("Роялти", "Royalties"),
    "royalties_title": ("Роялти франчайзи", "Franchisee royalties"),
    "royalties_intro": (
        "Роялти = ставка × оборот (сумма счетов месяца без НДС). Собственные организации сети "
        "роялти не платят.",
        "Royalty = rate × turnover (the month's invoices, net of VAT). The network's own "
        "organisations pay none.",
    ),
    "royalties_month": ("Месяц", "Month"),
    "royalties_show": ("Показать", "Show"),
    "royalties_organisation": ("Организация", "Organisation"),
    "royalties_rate": ("Ставка", "Rate"),
    "royalties_turnover": ("Оборот", "Turnover"),
    "royalties_royalty": ("Роялти", "Royalty"),
    "royalties_invoices": ("Счетов", "Invoices"),
    "royalties_not_applicable": ("не применяется", "not applicable"),
    "royalties_file": ("Файл", "File"),
    "royalties_download": ("Скачать таблицу", "Download (CSV)"),
    "royalties_none": ("Организаций нет.", "No organisations."),
    # -- the pages' fields, as a refusal names them --
    "field_invoice_from": ("Начало периода счёта", "Invoice period start"),
    "field_invoice_to": ("Конец периода счёта", "Invoice period end"),
    "field_invoice_id": ("Номер счёта", "Invoice number"),
    "field_doc_kind": ("Вид документа", "Kind of document"),
    "field_doc_format": ("Формат файла", "File format"),
    "field_royalty_month": ("Месяц", "Month"),
    "field_royalty_org_id": ("Номер организации", "Organisation number"),
    # -- the billing errors, by code (dispatch/billing/errors.py) --
    "err_invoice_not_found": ("Счёт не найден.", "Invoice not found."),
    "err_nothing_to_invoice": (
        "Нечего выставлять: нет подтверждённых или неоспоренных строк за этот период, либо "
        "они уже в счетах.",
        "Nothing to invoice: no approved or undisputed lines in this period, or they are on "
        "invoices already.",
    ),
    "err_invoice_line_taken": (
        "Эти строки только что попали в другой счёт. Обновите страницу.",
        "These lines were just put on another invoice. Reload the page.",
    ),
    "err_invoices_managers_only": (
        "Счета выставляют руководитель филиала и администратор.",
        "Invoices are made by the branch's manager and admins.",
    ),
    "err_royalties_forbidden": (
        "Роялти видят администраторы и владельцы организаций.",
        "Royalties are read by admins and the organisations' owners.",
    ),
    "err_legal_details_missing": (
        "Для счёта не хватает реквизитов филиала или клиента: заполните их.",
        "The branch's or the client's legal details needed on an invoice are missing: fill "
        "them in.",
    ),
}
