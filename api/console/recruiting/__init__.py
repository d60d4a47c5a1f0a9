"""The recruiter's pages (issue 19): the branch's applicants who registered by SMS."""
