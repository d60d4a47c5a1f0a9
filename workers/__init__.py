"""The workers (people): profile, phone, skills, home point, status, vetting, import."""
