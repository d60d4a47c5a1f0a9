"""The reports console page (issue 21): period, branch, grouping, a chart per report with
its table and CSV; the answers shared with GET /api/v1/reports/{name}."""
