"""A platform lives in one place: its module under chalicelib/channels/ (with its templates and
tests). Everything else reads its specification, so no other product module names a platform."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from chalicelib import platforms
from chalicelib.infra import resources
from chalicelib.platforms import Grant
from chalicelib.rendering.profiles import PostProfile
from conftest import PROJECT_DIR

ROOT = Path(PROJECT_DIR)
# Where a platform may be named: its own module, the local seeding, and generated files.
SEEDING_AND_GENERATED = {"chalicelib/seed.py", "chalicelib/platform_index.py"}
# Strings that are a platform's name by coincidence, and what they mean there.
NOT_A_PLATFORM = {
    ("chalicelib/infra/cloudformation.py", "email"): "Cognito's e-mail attribute and an SNS protocol",
    ("chalicelib/adapters/cognito.py", "email"): "Cognito's e-mail attribute of a user",
    ("chalicelib/web.py", "email"): "an OpenID Connect scope",
    ("chalicelib/domain/placeholders.py", "x"): "the sample value of a string parameter",
}


def product_modules() -> list[Path]:
    return [*sorted((ROOT / "chalicelib").rglob("*.py")), ROOT / "app.py"]


def platform_names_in(path: Path) -> set[str]:
    """The platform names a module's code spells out: a string equal to one, or `<name>:...`."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            for name in platforms.NAMES:
                if node.value == name or node.value.startswith(f"{name}:"):
                    found.add(name)
    return found


def test_no_product_module_names_a_platform_outside_its_own() -> None:
    own = {name: ROOT / (platforms.indexed()[name].module.replace(".", "/") + ".py") for name in platforms.NAMES}
    offending = {}
    for path in product_modules():
        relative = path.relative_to(ROOT).as_posix()
        if relative in SEEDING_AND_GENERATED:
            continue
        named = {n for n in platform_names_in(path) if own[n] != path and (relative, n) not in NOT_A_PLATFORM}
        if named:
            offending[relative] = sorted(named)
    assert not offending, f"platforms named outside their own module: {offending}"


def test_the_scan_finds_a_named_platform(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text('if account.platform == "mastodon" or key.startswith("sms:"):\n    pass\n')
    assert platform_names_in(module) == {"mastodon", "sms"}


@pytest.mark.parametrize("name", platforms.NAMES)
def test_each_specification_is_whole(name: str) -> None:
    spec = platforms.spec(name)
    assert spec.name == name
    assert (spec.adapter is None) != (spec.build is None), "an HTTP adapter or a build(), not both"
    assert (Grant.SECRETS in spec.grants) == spec.http, "an HTTP platform reads its credentials from SSM"
    assert name in resources.QUEUES  # its queue and worker exist, within Lambda's limits
    if isinstance(spec.profile, PostProfile):
        assert (ROOT / "templates" / spec.profile.template).is_file()


def test_a_platform_module_loads_only_when_needed() -> None:
    """app.py registers every worker from the index: no platform module is loaded to do it."""
    import subprocess
    import sys

    code = ("import sys, app; loaded = [m for m in sys.modules if m.startswith('chalicelib.channels.')]; "
            "print(loaded)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                         env={"PATH": "/usr/bin:/bin", "CLARION_STAGE": "dev"})
    assert out.stdout.strip() == "[]", out.stdout
