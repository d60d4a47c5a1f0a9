"""The Prometheus alert rules name only metrics the API exports, so a rename can't silence them."""

import re
from pathlib import Path

import pytest
from prometheus_client.metrics import MetricWrapperBase

import api.metrics

yaml = pytest.importorskip("yaml")

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "deploy" / "prometheus" / "brigada-alerts.yml"
DEPLOY_DOC = ROOT / "docs" / "deploy.md"

# Series Prometheus makes itself for every target, not exported by Brigada.
PROMETHEUS_OWN = {"up"}
# The samples each metric type exposes (prometheus_client's names).
SUFFIXES = {
    "counter": ("_total", "_created"),
    "gauge": ("",),
    "histogram": ("_bucket", "_sum", "_count", "_created"),
}
KEYWORDS = {"and", "or", "unless", "bool", "offset", "inf", "nan"}


def exported_families() -> dict[str, str]:
    """Name -> type of every metric api/metrics.py registers."""
    found = {}
    for value in vars(api.metrics).values():
        if isinstance(value, MetricWrapperBase):
            for family in value.describe():
                found[family.name] = family.type
    return found


def exported_series() -> set[str]:
    return {
        name + suffix for name, kind in exported_families().items() for suffix in SUFFIXES[kind]
    }


def metric_names(expr: str) -> set[str]:
    """The metric names a PromQL expression reads (no functions, labels or keywords)."""
    expr = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)  # strings first: they may hold braces
    expr = re.sub(r"\{[^}]*\}", " ", expr)  # label matchers
    expr = re.sub(r"\[[^\]]*\]", " ", expr)  # range selectors
    expr = re.sub(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", expr)
    names = set()
    for match in re.finditer(r"(?<![\w.])([A-Za-z_:][\w:]*)\s*(\()?", expr):
        word, call = match.group(1), match.group(2)
        if not call and word.lower() not in KEYWORDS:
            names.add(word)
    return names


def rules() -> list[dict]:
    loaded = yaml.safe_load(RULES.read_text(encoding="utf-8"))
    return [rule for group in loaded["groups"] for rule in group["rules"]]


def test_the_reader_finds_metric_names_and_nothing_else():
    expr = (
        'histogram_quantile(0.95, sum by (le) (rate(x_bucket{route="/a{b}"}[5m]))) > 1 '
        "or y_total == -1 and on (instance) up"
    )
    assert metric_names(expr) == {"x_bucket", "y_total", "up"}


def test_the_registry_is_read():
    assert {"brigada_scheduler_leaders", "brigada_http_requests_total"} <= exported_series()


def test_every_rule_reads_only_metrics_the_api_exports():
    known = exported_series() | PROMETHEUS_OWN
    read = {}
    for rule in rules():
        assert rule.get("alert") and rule.get("expr") and rule.get("for"), rule
        names = metric_names(rule["expr"])
        assert names, f"{rule['alert']} reads no metric"
        read[rule["alert"]] = names
        assert names <= known, f"{rule['alert']} reads unknown {sorted(names - known)}"
    alerts = list(read)
    assert len(alerts) == len(set(alerts)), "alert names repeat"
    # Every gauge the API exports has an alert on it.
    gauges = {name for name, kind in exported_families().items() if kind == "gauge"}
    assert gauges <= set().union(*read.values())


def test_the_deploy_doc_names_every_metric_and_the_rules_file():
    doc = DEPLOY_DOC.read_text(encoding="utf-8")
    assert "deploy/prometheus/brigada-alerts.yml" in doc
    missing = [name for name in exported_families() if name not in doc]
    assert not missing, f"docs/deploy.md does not describe {missing}"
