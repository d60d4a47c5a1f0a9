"""The network's reports (issue 21): GET /api/v1/reports/{name}."""
