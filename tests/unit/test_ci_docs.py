"""docs/ci.md shows the files of examples/ci/ as they are (they cannot drift), the examples
parse, the action's inputs are all documented, and the README links the page."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples" / "ci"
DOC = REPO / "docs" / "ci.md"
_BLOCK = re.compile(r"<!-- example: (\S+) -->\n```yaml\n(.*?)```\n", re.DOTALL)


def _load(name: str) -> Any:
    return yaml.safe_load((EXAMPLES / name).read_text(encoding="utf-8"))


def test_every_example_is_in_the_doc_byte_for_byte() -> None:
    blocks = dict(_BLOCK.findall(DOC.read_text(encoding="utf-8")))
    files = {f"examples/ci/{p.name}" for p in EXAMPLES.iterdir()}
    assert set(blocks) == files
    for name, text in blocks.items():
        assert (REPO / name).read_text(encoding="utf-8") == text, name


def test_examples_parse_and_use_the_installable_name() -> None:
    workflow = _load("github-workflow.yml")
    assert set(workflow["jobs"]) == {"scan", "annotations", "deploy"}
    gitlab = _load("gitlab-ci.yml")
    assert gitlab["devcon"]["artifacts"]["reports"]["codequality"] == "gl-code-quality-report.json"
    for text in (EXAMPLES / "github-workflow.yml", EXAMPLES / "gitlab-ci.yml"):
        installs = re.findall(r"pip install (\S+)", text.read_text(encoding="utf-8"))
        assert installs and set(installs) == {"devcon-toolkit"}


def test_the_workflow_gives_the_action_only_inputs_it_has() -> None:
    action = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    steps = [s for job in _load("github-workflow.yml")["jobs"].values() for s in job["steps"]]
    ours = [s for s in steps if str(s.get("uses", "")).startswith("devcon-dev/devcon@")]
    assert ours
    for step in ours:
        assert set(step.get("with", {})) <= set(action["inputs"])


def test_every_action_input_and_output_is_documented() -> None:
    action = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    doc = DOC.read_text(encoding="utf-8")
    for name in action["inputs"]:
        assert f"| `{name}` |" in doc, name
    for name in action["outputs"]:
        assert f"`{name}`" in doc, name


def test_pre_commit_recipe_names_the_hooks() -> None:
    config = _load("pre-commit-config.yaml")
    (repo,) = config["repos"]
    assert [h["id"] for h in repo["hooks"]] == ["devcon-validate", "devcon-pin-check"]
    hooks_file = REPO / ".pre-commit-hooks.yaml"
    if hooks_file.exists():  # written with the hooks themselves (issue 15, pre-commit)
        defined = {h["id"] for h in yaml.safe_load(hooks_file.read_text(encoding="utf-8"))}
        assert {h["id"] for h in repo["hooks"]} <= defined


def test_readme_links_the_ci_page() -> None:
    assert "(docs/ci.md)" in (REPO / "README.md").read_text(encoding="utf-8")
