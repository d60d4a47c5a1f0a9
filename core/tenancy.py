"""Who is asking: the acting staff member and the branch they may see."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """A staff member acting; branch_id None means the whole network (admins)."""

    user_id: int | None
    name: str
    role: str
    branch_id: int | None

    def sees_branch(self, branch_id: int | None) -> bool:
        return self.branch_id is None or self.branch_id == branch_id


SYSTEM = Actor(user_id=None, name="system", role="admin", branch_id=None)
