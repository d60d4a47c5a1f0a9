"""Waiting for htmx to take a page in before a test types or taps on it: an hx-driven box
typed into before htmx has processed it sends nothing (a search seen unsent in CI), and an
hx-post form tapped before then posts the plain way instead of by htmx."""

# Every element htmx would send from (a verb or a trigger) in the DOM now, each processed:
# htmx marks a node's data firstInitCompleted once its listeners are on. Content an htmx swap
# just put in is processed only as it settles, so after a swap, wait for the new content first.
_ALL_TAKEN_IN = """() => Array.from(
  document.querySelectorAll("[hx-get],[hx-post],[hx-put],[hx-patch],[hx-delete],[hx-trigger]")
).every((elt) => !!(elt["htmx-internal-data"] && elt["htmx-internal-data"].firstInitCompleted))"""


def htmx_ready(page) -> None:
    """Return once htmx has processed every hx-driven element on the page: at once when it has."""
    page.wait_for_function(_ALL_TAKEN_IN)
