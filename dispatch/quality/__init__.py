"""Quality control by SMS: after the close the client's contact rates the crew 1-5 (asking.py),
the answer is read from the inbox (answers.py), and a 1 or 2 is a case for the dispatcher
(cases.py). Between the on-site and replies stages, which call it, and fill, below it."""
