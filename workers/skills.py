"""The catalogue of work kinds a worker can be offered."""

from workers.errors import SkillsRequired, UnknownSkill

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


def normalise_skill(
    raw: str, field: str | tuple[str, ...] = "skill", location: str = "body"
) -> str:
    """One catalogue skill, forgiving case, spaces and dashes ('Snow clearing' -> snow_clearing)."""
    skill = raw.strip().lower().replace(" ", "_").replace("-", "_")
    if skill not in SKILLS:
        raise UnknownSkill(field, f"unknown skill {raw!r}; known: {', '.join(SKILLS)}", location)
    return skill


def normalise_skills(raw: list[str], field: str = "skills") -> list[str]:
    """Catalogue-checked skills, de-duplicated, in the order given."""
    if not raw:
        raise SkillsRequired(field, "at least one skill is required")
    seen: list[str] = []
    for index, item in enumerate(raw):
        skill = normalise_skill(item, (field, str(index)))
        if skill not in seen:
            seen.append(skill)
    return seen
