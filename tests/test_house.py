"""The house keeps its shape (STYLE.md): small modules, sub-packages of a size one can hold in
mind, and dispatch/ made of its stages plus the few modules every stage shares."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MAX_LINES = 420  # STYLE: split a file when it passes ~400 lines
MAX_MODULES = 10  # per sub-package, beside its __init__.py
# Every package of code whose files are held to MAX_LINES (not tests/ nor migrations/).
SIZED = ["core", "geo", "workers", "rating", "sms", "dispatch", "api", "brigada", "bench"]
DISPATCH_SHARED = {"__init__.py", "models.py", "client_models.py", "enums.py"}  # tables, statuses
STAGES = {
    "registry",
    "access",
    "texts",
    "penalties",
    "orders",
    "hooks",
    "quality",
    "applicants",
    "fill",
    "replies",
    "shift",
    "changes",
    "repeat",
    "hours",
    "network",
    "intake",
    "rates",
    "billing",
    "reports",
}


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", SIZED)
def test_no_module_is_over_about_400_lines(package):
    long = {
        str(path.relative_to(ROOT)): n
        for path in _modules(package)
        if (n := len(path.read_text("utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


@pytest.mark.parametrize("package", ["dispatch", "api"])
def test_no_sub_package_holds_more_than_about_ten_modules(package):
    crowded = {
        str(folder.relative_to(ROOT)): n
        for folder in [ROOT / package, *(p for p in (ROOT / package).rglob("*") if p.is_dir())]
        if (folder / "__init__.py").exists()
        and (n := len([m for m in folder.glob("*.py") if m.name != "__init__.py"])) > MAX_MODULES
    }
    assert crowded == {}


def test_dispatch_holds_its_stages_and_the_shared_modules_only():
    top = ROOT / "dispatch"
    assert {p.name for p in top.glob("*.py")} == DISPATCH_SHARED
    packages = {p.name for p in top.iterdir() if (p / "__init__.py").exists()}
    assert packages == STAGES
