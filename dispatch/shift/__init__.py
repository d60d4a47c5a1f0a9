"""On site: marks, the no-show sweep and the close (onsite.py), what a mark does and its undo
window (marks.py), checking in by link (checkin.py), reviews (reviews.py), timesheets and
payouts (timesheets.py)."""
