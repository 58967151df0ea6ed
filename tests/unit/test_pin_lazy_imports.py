"""Commands that never reach the network do not import the HTTP stack (`requests`):
`rules` and `validate` reach the registry client's module only through Features and compat
code, which must import `requests` lazily."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

_PROBE = """
import json, sys
from devcon.cli.app import main
code = main(json.loads(sys.argv[1]))
print(json.dumps({"code": code, "requests": "requests" in sys.modules,
                  "urllib3": "urllib3" in sys.modules}), file=sys.stderr)
"""


def _run(argv: list[str]) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(argv)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    last = done.stderr.strip().splitlines()[-1]
    result: dict[str, object] = json.loads(last)
    return result


@pytest.mark.parametrize(
    "argv",
    [
        ["rules"],
        ["rules", "feature-not-pinned"],
        ["validate", "examples/python-project"],
        ["validate", "tests/fixtures/feature-not-pinned"],
    ],
)
def test_offline_commands_do_not_import_requests(argv: list[str]) -> None:
    assert (ROOT / argv[-1]).exists() or argv[0] == "rules"
    result = _run(argv)
    assert result["code"] in (0, 1), result
    assert result["requests"] is False and result["urllib3"] is False


def test_the_registry_client_imports_requests_when_a_session_is_built() -> None:
    code = (
        "import sys\n"
        "import devcon.features, devcon.registry.client, devcon.registry.factory\n"
        "import devcon.registry.transport as t\n"
        "assert 'requests' not in sys.modules\n"
        "t.new_session()\n"
        "assert 'requests' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, timeout=120)
