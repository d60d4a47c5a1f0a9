"""The Docker image holds every path the app reads at run time (issue 15, item 14). These
machines have no Docker engine, so the Dockerfile and .dockerignore are read: COPY lines
(from the build context or `--from` an earlier stage), WORKDIR, and `npm ci --prefix`, which
installs the packages its stage's lock file names."""

import json
import os
import posixpath
import re
import shlex
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pytest
from jinja2 import FileSystemLoader

from api.console import routes as console
from api.console.web import TEMPLATES

ROOT = Path(__file__).resolve().parent.parent


def relative(path: Path) -> str:
    # Links are not followed: web/node_modules may be one in a developer's tree.
    return Path(os.path.abspath(path)).relative_to(ROOT).as_posix()


_LOADER = TEMPLATES.env.loader
assert isinstance(_LOADER, FileSystemLoader)
_TEMPLATE_DIRS = _LOADER.searchpath

# What the app reads at run time, as paths of the repository (the image's app directory).
RUN_TIME_PATHS = [
    *(relative(directory) for directory in console.VENDORED.values()),
    relative(console.HERE / "static"),
    *(relative(Path(directory)) for directory in _TEMPLATE_DIRS),
    "dispatch/data/cities.csv",  # dispatch/registry/demo.py, via importlib.resources
    "dispatch/data/first_names.csv",
    "dispatch/data/surnames.csv",
    "migrations/env.py",
    "migrations/versions",
    "alembic.ini",
]


def instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) per logical line: continuations joined, comments dropped."""
    lines, pending = [], ""
    for raw in text.splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        lines.append(pending + line)
        pending = ""
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in lines]


def ignored(path: str, patterns: list[str]) -> bool:
    """.dockerignore: a pattern excludes the path or a directory above it; `**` spans
    directories; a later `!pattern` lets a path back in."""
    parts = path.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    verdict = False
    for pattern in patterns:
        keep = pattern.startswith("!")
        pattern = pattern.lstrip("!").strip("/")
        regex = re.escape(pattern).replace(r"\*\*/", "(?:.*/)?").replace(r"\*\*", ".*")
        regex = regex.replace(r"\*", "[^/]*").replace(r"\?", "[^/]")
        if any(re.fullmatch(regex, prefix) for prefix in prefixes):
            verdict = not keep
    return verdict


@dataclass
class Stage:
    workdir: str = "/"
    # Image path -> where its content comes from: ("context", repo path) or ("npm", package).
    files: dict[str, tuple[str, str]] = field(default_factory=dict)


def build(dockerfile: str, patterns: list[str]) -> dict[str, Stage]:
    """The stages by name (and "final" for the last), each with what its COPY and npm ci put
    where. A COPY source that is ignored or absent from the context puts nothing."""
    stages: dict[str, Stage] = {}
    stage = Stage()
    for name, args in instructions(dockerfile):
        if name == "FROM":
            words = args.split()
            stage = Stage()
            stages[
                words[2] if len(words) > 2 and words[1].upper() == "AS" else str(len(stages))
            ] = stage
            stages["final"] = stage
        elif name == "WORKDIR":
            stage.workdir = posixpath.join(stage.workdir, args.strip())
        elif name == "COPY":
            words = shlex.split(args)
            flags = [w for w in words if w.startswith("--")]
            *sources, destination = [w for w in words if not w.startswith("--")]
            origin = next((f.split("=", 1)[1] for f in flags if f.startswith("--from=")), None)
            target = posixpath.join(stage.workdir, destination)
            into_directory = destination.endswith("/") or len(sources) > 1
            for source in sources:
                if origin is None:
                    found = {
                        f"/{relative(path)}": ("context", relative(path))
                        for path in [ROOT / source, *(ROOT / source).rglob("*")]
                        if path.exists() and not ignored(relative(path), patterns)
                    }
                    base = "/" + source.strip("/")
                else:
                    found = stages[origin].files
                    base = posixpath.normpath(source)
                for path, content in found.items():
                    if path != base and not path.startswith(base + "/"):
                        continue
                    rest = path[len(base) :].lstrip("/")
                    if not rest:  # the source itself: a file, or a directory's own entry
                        rest = posixpath.basename(base) if into_directory else ""
                    stage.files[posixpath.normpath(posixpath.join(target, rest))] = content
        elif name == "RUN":
            for prefix in re.findall(r"npm ci\b[^&;|]*?--prefix[= ](\S+)", args):
                lock = posixpath.join(stage.workdir, prefix, "package-lock.json")
                if lock not in stage.files:
                    continue  # npm ci without its lock file fails the build; nothing installed
                packages = json.loads((ROOT / stage.files[lock][1]).read_text())["packages"]
                for key in packages:
                    if key.startswith("node_modules/"):
                        path = posixpath.join(stage.workdir, prefix, key)
                        stage.files[path] = ("npm", key.removeprefix("node_modules/"))
    return stages


@cache
def image() -> tuple[str, dict[str, tuple[str, str]]]:
    patterns = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    final = build((ROOT / "Dockerfile").read_text(), patterns)["final"]
    return final.workdir, final.files


def in_image(path: str, workdir: str, files: dict[str, tuple[str, str]]) -> bool:
    """The path, or (for a file an npm package holds) the package's directory, is there."""
    target = posixpath.join(workdir, path)
    return any(
        target == image_path
        or target.startswith(image_path + "/")
        and origin == "npm"  # an installed package brings all of its files
        or image_path.startswith(target + "/")
        for image_path, (origin, _) in files.items()
    )


@pytest.mark.parametrize("path", RUN_TIME_PATHS)
def test_the_image_holds_what_the_app_reads_at_run_time(path):
    workdir, files = image()
    assert in_image(path, workdir, files), f"{path} would be missing from the image"


def test_the_reader_sees_what_docker_would_leave_out():
    # The reader itself: an ignored path and a stage's uninstalled package are not in the image.
    stages = build(
        "FROM node AS a\nWORKDIR /b\nRUN npm ci --prefix web\n"
        "FROM python\nWORKDIR /app\nCOPY api api\nCOPY --from=a /b/web/node_modules web/n\n",
        ["api/console/templates", "**/__pycache__"],
    )
    files = stages["final"].files
    assert in_image("api/console/words", "/app", files)
    assert not in_image("api/console/templates", "/app", files)
    assert not any("__pycache__" in path for path in files)
    assert not any(path.startswith("/app/web/") for path in files)  # no lock file, no install
    assert ignored("a/b/__pycache__/x.pyc", ["**/__pycache__"])
    assert not ignored("a/b/__pycache__/x.pyc", ["**/__pycache__", "!a/b/__pycache__"])


def packages() -> list[str]:
    """The Python packages pyproject.toml installs (its packages.find include list)."""
    found = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    return [name.rstrip("*") for name in found["packages"]["find"]["include"]]


@pytest.mark.parametrize("package", packages())
def test_the_image_holds_every_package_the_project_installs(package):
    # `brigada` (the command's own package) once left the HTTP package: its COPY is one more.
    workdir, files = image()
    assert in_image(f"{package}/__init__.py", workdir, files), f"{package}/ would be missing"
