"""Words of the CSV exports (api/exports.py): column headers and coded cells."""

WORDS = {
    # -- columns --
    "csv_order": ("Заказ", "Order"),
    "csv_worker_id": ("Номер работника", "Worker ID"),
    "csv_full_name": ("Работник", "Worker"),
    "csv_phone": ("Телефон", "Phone"),
    "csv_attendance": ("Отметка", "Attendance"),
    "csv_arrived_at": ("Приход", "Arrived"),
    "csv_left_at": ("Уход", "Left"),
    "csv_shifts": ("Смен", "Shifts"),
    "csv_hours": ("Часов", "Hours"),
    "csv_scheduled_hours": ("Часов по плану", "Scheduled hours"),
    "csv_billed_hours": ("Часов к счёту", "Billed hours"),
    "csv_client_amount": ("Сумма клиенту", "Client amount"),
    "csv_base_pay": ("Оплата за часы", "Base pay"),
    "csv_allowances": ("Доплаты", "Allowances"),
    "csv_fines": ("Штрафы", "Fines"),
    "csv_worker_pay": ("К выплате", "To pay"),
    "csv_margin": ("Маржа", "Margin"),
    "csv_note": ("Примечание", "Note"),
    "csv_state": ("Подтверждение клиента", "Client sign-off"),
    "csv_currency": ("Валюта", "Currency"),
    "csv_amount": ("Сумма", "Amount"),  # issue 21: a payout batch's bank CSV
    "csv_purpose": ("Назначение платежа", "Payment purpose"),
    "csv_payout_purpose": (
        "Оплата работ за период {date_from}-{date_to}",
        "Payment for work in the period {date_from} to {date_to}",
    ),
    # -- coded cells --
    "csv_total": ("Итого", "Total"),
    "csv_arrived": ("явка", "arrived"),
    "csv_left_early": ("ранний уход", "left early"),
    "csv_no_show": ("неявка", "no-show"),
    "csv_sent_home": ("отправлен(а) домой, оплата до отправки", "sent home, paid until then"),
    "csv_released": ("отпущен(а) с объекта, выход оплачен", "released with show-up pay"),
    "csv_fine_exceeds_pay": (
        "штраф больше оплаты за часы: долг",
        "the fine exceeds the hours' pay: a debt",
    ),
    "csv_pending": ("ждёт подтверждения", "pending"),
    "csv_approved": ("подтверждено", "approved"),
    "csv_disputed": ("оспорено, не к оплате", "disputed, held"),
    "csv_settled": ("спор решён", "settled"),
}
