"""CI and the pre-commit hooks check what `make check` checks, and nothing drifts apart."""

from __future__ import annotations

import re
import shlex

import pytest
import yaml
from streamlit.deprecation_util import show_deprecation_warning

from tests.conftest import ROOT, streamlit_deprecations_as_warnings


def make_rules() -> dict[str, tuple[list[str], list[str]]]:
    """Each Makefile target: its prerequisites and its recipe lines."""
    rules: dict[str, tuple[list[str], list[str]]] = {}
    recipe: list[str] | None = None
    for line in (ROOT / "Makefile").read_text().splitlines():
        if line.startswith("\t") and recipe is not None:
            recipe.append(line.strip())
            continue
        rule = re.match(r"([\w.-]+):(?!=)(.*)", line)
        recipe = None
        if rule:
            recipe = []
            rules[rule[1]] = (rule[2].split(), recipe)
    return rules


def check_steps() -> list[str]:
    return [step for step in make_rules()["check"][0] if step != "test"]


def makefile_commands() -> set[str]:
    """The tool commands `make check` runs before the tests, without the venv path."""
    rules = make_rules()
    return {
        command.removeprefix("$(BIN)/").removesuffix(" .")
        for step in check_steps()
        for command in rules[step][1]
    }


def test_make_check_runs_lint_and_types_before_the_tests():
    assert make_rules()["check"][0][-1] == "test"
    assert {"lint", "types"} <= set(check_steps())
    assert {"ruff check", "ruff format --check", "lint-imports"} <= makefile_commands()
    assert any(c.startswith("mypy lessons") for c in makefile_commands())


def test_ci_runs_every_step_of_make_check_and_the_readmes_test_command():
    made = [
        shlex.split(line)[1:]
        for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if line.startswith("make ")
    ]
    assert ["test"] in made  # the README's command, as it is written there
    assert set(check_steps()) <= {target for targets in made for target in targets}
    assert "make test" in (ROOT / "README.md").read_text()


def test_the_pre_commit_hooks_run_the_same_commands_as_make_check():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    [local] = config["repos"]
    assert local["repo"] == "local"  # nothing to fetch: the hooks run the project's .venv
    entries = {
        hook["entry"].removeprefix(".venv/bin/").replace(" --force-exclude", "")
        for hook in local["hooks"]
    }
    assert entries == makefile_commands()


# The autouse fixture sees the same message and raises it after the test: let that one pass.
@pytest.mark.filterwarnings("ignore:st.old_widget is going:DeprecationWarning")
def test_streamlit_deprecations_become_warnings_that_pytest_filters():
    with (
        pytest.warns(DeprecationWarning, match="st.old_widget is going"),
        streamlit_deprecations_as_warnings(),
    ):
        show_deprecation_warning("st.old_widget is going", show_in_browser=False)
