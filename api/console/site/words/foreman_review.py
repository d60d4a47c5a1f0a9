"""The foreman's reviews and complaints and "ask for N more"
(api/console/site/foreman_review.py)."""

from rating.policy import COMPLAINT_REASONS

_REASONS = {
    "late": ("опоздал(а)", "came late"),
    "left_site": ("ушёл (ушла) с объекта", "left the site"),
    "poor_work": ("плохо работал(а)", "poor work"),
    "rude": ("грубил(а)", "rude"),
    "intoxicated": ("в нетрезвом виде", "intoxicated"),
    "safety": ("нарушал(а) технику безопасности", "broke safety rules"),
    "other": ("другое", "other"),
}
assert set(_REASONS) == set(COMPLAINT_REASONS)

WORDS = {
    "review_link": ("Оценки и жалобы…", "Reviews and complaints…"),
    "review_title": ("Оценки: заказ {code}", "Reviews: order {code}"),
    "review_note": (
        "Оцените каждого, кто вышел на смену: от 1 до 5 звёзд. Жалоба — это взыскание работнику, "
        "напишите, что случилось.",
        "Rate everyone who came to the shift, 1 to 5 stars. A complaint is a penalty to the "
        "worker: say what happened.",
    ),
    "review_none": (
        "Пока некого оценивать: никто не отмечен как вышедший.",
        "Nobody to review yet: nobody is marked as come.",
    ),
    "review_closed": (
        "Смена закрыта: новые оценки здесь не ставятся.",
        "The shift is closed: no new reviews here.",
    ),
    "review_stars": ("Оценка", "Stars"),
    "review_star_n": ("{n} из 5", "{n} of 5"),
    "review_complaint": ("Пожаловаться", "Complain"),
    "review_reason": ("Причина жалобы", "What the complaint is about"),
    "review_comment": ("Комментарий", "Comment"),
    "review_comment_hint": (
        "Для жалобы обязателен: что случилось.",
        "Required for a complaint: what happened.",
    ),
    "review_button": ("Сохранить оценку", "Save the review"),
    "review_given": ("Оценка: {n} из 5", "Reviewed: {n} of 5"),
    "review_given_complaint": ("жалоба: {reason}", "complaint: {reason}"),
    "review_saved": ("Оценка сохранена.", "The review is saved."),
    "review_back": ("К смене", "Back to the shift"),
    "review_pick_stars": ("Выберите оценку от 1 до 5.", "Pick 1 to 5 stars."),
    "field_review_saved": ("Сохранённая оценка", "The saved review"),
    "field_review_stars": ("Оценка", "Stars"),
    "field_review_complaint": ("Жалоба", "Complaint"),
    "field_review_reason": ("Причина жалобы", "Complaint reason"),
    "field_review_comment": ("Комментарий", "Comment"),
    **{f"review_reason_{code}": words for code, words in _REASONS.items()},
}
