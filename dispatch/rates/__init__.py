"""Rate cards: client and worker rates by skill per branch (and client), with night, holiday
and minimum-hours terms, and the production calendar (issue 21)."""
