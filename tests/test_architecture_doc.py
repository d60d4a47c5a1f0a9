"""The README and docs/architecture.md name only what exists (issue 16, items 7 and 8).

Both name modules and packages by path: inline code such as `dispatch/fill/waves.py`,
`dispatch/fill/waves.py: answer`, `api/main.py:create_app` or `dispatch/shift/`, paths in
the architecture's diagram, and in a table row that starts with a folder (`core/`), the bare
file and folder names of that row (`db.py`, `routes/`), which live in that folder. Each must
exist in the repository; "`answer` in `dispatch/fill/waves.py`" (or `path.py: answer`) must
name a function, class or constant of that module. The README links every docs/*.md, and
every link between them leads to a file that exists.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
CHECKED = (ROOT / "README.md", DOCS / "architecture.md")

FENCE = re.compile(r"^```.*?^```", re.S | re.M)
CODE = re.compile(r"`([^`\n]+)`")
# A repository path: lower-case folders, then a file with an extension or nothing (a folder).
PATH = r"(?:[a-z_][\w-]*/)+(?:[\w-]+\.[a-z]+)?"
# Inside a code span: the path, optionally followed by `:name` or `: name`.
SPAN = re.compile(rf"({PATH})(?::\s*([A-Za-z_][\w.]*))?")
IN_DIAGRAM = re.compile(rf"(?<![\w/.-])({PATH})(?![\w/-])")
BARE = re.compile(r"[\w-]+(?:\.[a-z]+|/)")
ROW = re.compile(r"^\| `((?:[a-z_][\w-]*/)+)` \|(.*)$")
# "`name` in `path.py`" or "`name` (`path.py`)", across a line break.
MODULE = r"(?:[a-z_][\w-]*/)+[\w-]+\.py"
NAMED_IN = re.compile(rf"`([A-Za-z_][\w.]*)`\s+(?:in|\()\s*`({MODULE})`")
LINK = re.compile(r"\]\(([^)\s#]+\.md)(?:#[^)]*)?\)")


def _text_outside_fences(text: str) -> str:
    return FENCE.sub("", text)


def mentioned_paths(text: str) -> set[str]:
    """Every repository path the text names (see the module docstring)."""
    found: set[str] = set()
    for line in _text_outside_fences(text).splitlines():
        row = ROW.match(line)
        folder = row.group(1) if row else ""
        if row:
            found.add(folder)
        for span in CODE.findall(row.group(2) if row else line):
            span = span.strip()
            if row and BARE.fullmatch(span):  # `db.py` in the row of `core/`
                found.add(folder + span)
            elif match := SPAN.fullmatch(span):
                found.add(match.group(1))
    for fence in FENCE.findall(text):
        found.update(IN_DIAGRAM.findall(fence))
    return found


def named_definitions(text: str) -> set[tuple[str, str]]:
    """(module path, name) for "`name` in `path.py`", "`name` (`path.py`)", `path.py: name`."""
    pairs = {(path, name) for name, path in NAMED_IN.findall(text)}
    for span in CODE.findall(text):
        match = SPAN.fullmatch(span.strip())
        if match and match.group(2) and match.group(1).endswith(".py"):
            pairs.add((match.group(1), match.group(2)))
    return pairs


def defines(source: str, name: str) -> bool:
    """The module defines every part of a dotted name (`TwilioGateway.send`)."""
    return all(
        re.search(rf"^\s*(?:async\s+def|def|class)\s+{re.escape(part)}\b", source, re.M)
        or re.search(rf"^{re.escape(part)}\s*(?::[^=\n]*)?=", source, re.M)
        for part in name.split(".")
    )


def test_the_rules_find_paths_in_each_form():
    text = (
        "`dispatch/fill/waves.py: answer`, `api/main.py:create_app`, `dispatch/shift/`, "
        "`POST /api/v1/orders`, `BRIGADA_PUBLIC_URL/sms/status`, `../shared/STYLE.md`\n"
        "| `core/` | sessions (`db.py`), `Point`, routes (`routes/`) |\n"
        "```\nbrigada/      the processes\n   |   dispatch/models.py (every table)\n```\n"
        "`answer` in\n   `dispatch/fill/waves.py`, `score` (`dispatch/fill/ranking.py`)\n"
    )
    assert mentioned_paths(text) == {
        "dispatch/fill/waves.py",
        "api/main.py",
        "dispatch/shift/",
        "core/",
        "core/db.py",
        "core/routes/",
        "brigada/",
        "dispatch/models.py",
        "dispatch/fill/ranking.py",
    }
    assert named_definitions(text) == {
        ("dispatch/fill/waves.py", "answer"),
        ("api/main.py", "create_app"),
        ("dispatch/fill/ranking.py", "score"),
    }


def test_every_path_named_exists():
    missing = {
        f"{doc.relative_to(ROOT)}: {path}"
        for doc in CHECKED
        for path in mentioned_paths(doc.read_text(encoding="utf-8"))
        if not (ROOT / path).exists()
    }
    assert not missing, "named but not in the repository:\n" + "\n".join(sorted(missing))


def test_every_function_named_is_where_the_docs_say():
    wrong = set()
    for doc in CHECKED:
        for path, name in named_definitions(doc.read_text(encoding="utf-8")):
            module = ROOT / path
            if module.exists() and not defines(module.read_text(encoding="utf-8"), name):
                wrong.add(f"{doc.relative_to(ROOT)}: {name} is not defined in {path}")
    assert not wrong, "\n".join(sorted(wrong))


def test_the_readme_links_every_doc_and_every_link_leads_somewhere():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    linked = {(ROOT / target).resolve() for target in LINK.findall(readme)}
    docs = {path.resolve() for path in DOCS.glob("*.md")}
    assert docs - linked == set(), "docs the README does not link: " + ", ".join(
        sorted(path.name for path in docs - linked)
    )
    broken = {
        f"{page.relative_to(ROOT)} -> {target}"
        for page in (ROOT / "README.md", *DOCS.glob("*.md"))
        for target in LINK.findall(page.read_text(encoding="utf-8"))
        if not (page.parent / target).resolve().exists()
    }
    assert not broken, "links to nowhere:\n" + "\n".join(sorted(broken))
