"""The pages of the site: the foreman's day, its shifts and their close, and the worker's
check-in page."""
