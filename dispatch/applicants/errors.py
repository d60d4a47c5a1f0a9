"""Errors of the recruiter's acts on applicants; each has a stable `code` (core/errors.py)."""

from core.errors import Conflict, NotFound


class ApplicantNotFound(NotFound):
    code = "applicant_not_found"

    def __init__(self, applicant_id: int):
        super().__init__("applicant", applicant_id)


class ApplicantNotWaiting(Conflict):
    """Invited or decided on an applicant that is not (or no longer) in the queue."""

    code = "applicant_not_waiting"

    def __init__(self, applicant_id: int, status: str):
        super().__init__(f"applicant {applicant_id} is {status}, not in the recruiting queue")
        self.status = status


class LocationLinkNotFound(NotFound):
    code = "location_link_not_found"

    def __init__(self) -> None:
        super().__init__("location link", "")
        self.args = ("this location link is not valid",)


class DistrictNotFound(NotFound):
    code = "district_not_found"

    def __init__(self, district_id: int):
        super().__init__("district", district_id)


class DistrictTaken(Conflict):
    """A district the branch lists already, by a name that reads the same (places.fold)."""

    code = "district_taken"

    def __init__(self, name: str):
        super().__init__(f"name: the branch lists {name!r} already")
        self.name = name
