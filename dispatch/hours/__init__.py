"""Hours as they were (issue 20): breaks, approved overtime, an early end, the branch's
rounding of the bill, and the timesheet's versions (docs/hours.md)."""
