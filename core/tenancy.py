"""Who is asking: the acting staff member (or client user) and the branch they may see."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """A user acting; branch_id None means the whole network (admins). A client user, or a
    client's API key, carries client_id: they see that client's things only
    (dispatch/registry/client_side/tenancy.py); staff have none."""

    user_id: int | None
    name: str
    role: str
    branch_id: int | None
    client_id: int | None = None
    client_admin: bool = False
    api_key_id: int | None = None  # acting through a client's API key (user_id is None)

    def sees_branch(self, branch_id: int | None) -> bool:
        return self.branch_id is None or self.branch_id == branch_id

    @property
    def is_client(self) -> bool:
        return self.client_id is not None

    @property
    def rate_key(self) -> str:
        """Who counts against a per-caller rate: the user, or the key."""
        return str(self.user_id) if self.api_key_id is None else f"key:{self.api_key_id}"


SYSTEM = Actor(user_id=None, name="system", role="admin", branch_id=None)
