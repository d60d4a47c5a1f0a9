"""The catalogue of work kinds a worker can be offered."""

from core.errors import InvalidInput

SKILLS: tuple[str, ...] = (
    "loader",
    "mover",
    "handyman",
    "cashier",
    "cleaner",
    "snow_clearing",
    "warehouse_picker",
    "packer",
    "rigger",
    "painter",
    "builder",
    "driver",
    "promoter",
    "kitchen_helper",
)


def normalise_skills(raw: list[str], field: str = "skills") -> list[str]:
    """Lower-cased, de-duplicated, catalogue-checked skills in a stable order."""
    if not raw:
        raise InvalidInput(field, "at least one skill is required")
    seen: list[str] = []
    for index, item in enumerate(raw):
        skill = item.strip().lower().replace(" ", "_").replace("-", "_")
        if skill not in SKILLS:
            raise InvalidInput(
                (field, str(index)), f"unknown skill {item!r}; known: {', '.join(SKILLS)}"
            )
        if skill not in seen:
            seen.append(skill)
    return seen
