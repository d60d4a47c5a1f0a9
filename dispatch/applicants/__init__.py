"""Applicants: a number that is no worker's registers by SMS (consent, name, work, home,
language), lands in its branch's recruiting queue, and a recruiter turns it into a vetted
worker or refuses it."""
