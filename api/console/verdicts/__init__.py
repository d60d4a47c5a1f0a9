"""The office's pages on the client's word about the work: timesheet sign-off with the
branch's queue of disputes, and the crew's rating by SMS with the dispatcher's cases."""
