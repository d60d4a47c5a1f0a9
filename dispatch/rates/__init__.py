"""Rate cards (issue 21): client and worker rates by skill per branch (and per client), with
night, holiday and minimum-hours terms; the production calendar; the surcharges on a line."""
