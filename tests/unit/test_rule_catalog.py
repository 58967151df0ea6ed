"""The catalog: names, docs and the generated docs/rules.md stay in step."""

from __future__ import annotations

import re
from pathlib import Path

from devcon.rules.catalog import all_rules
from devcon.rules.docs import rules_markdown

REPO = Path(__file__).resolve().parents[2]


def test_rule_names_are_stable_kebab_case_and_documented() -> None:
    for rule in all_rules():
        assert re.fullmatch(r"[a-z]+(-[a-z0-9]+)*", rule.name)
        for text in (rule.summary, rule.doc.what, rule.doc.why, rule.doc.example, rule.doc.fix):
            assert text.strip(), f"{rule.name}: empty doc section"


def test_docs_rules_md_is_generated_from_the_catalog() -> None:
    on_disk = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    assert on_disk == rules_markdown(all_rules()), (
        "docs/rules.md is stale: run `devcon rules --format markdown > docs/rules.md`"
    )
