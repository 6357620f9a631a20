"""The GitHub workflow, pull request template and issue forms parse and say what they must."""

from __future__ import annotations

import csv
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from japus_data.descriptor import Package

from .conftest import ROOT, git

GITHUB = ROOT / ".github"
WORKFLOW = GITHUB / "workflows" / "ci.yml"
FORM = GITHUB / "ISSUE_TEMPLATE" / "wrong-figure.yml"
FORM_TYPES = {"markdown", "input", "textarea", "dropdown", "checkboxes"}


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def steps() -> list[dict[str, Any]]:
    jobs = load(WORKFLOW)["jobs"]
    assert list(jobs) == ["test"]
    found: list[dict[str, Any]] = jobs["test"]["steps"]
    return found


def diff_step() -> dict[str, Any]:
    [step] = [s for s in steps() if "japus-data diff" in s.get("run", "")]
    return step


def test_ci_runs_on_pull_requests_and_pushes_to_main() -> None:
    workflow = load(WORKFLOW)
    on = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert "pull_request" in on
    assert on["push"]["branches"] == ["main"]


def test_ci_runs_exactly_what_ci_run_runs() -> None:
    job = load(WORKFLOW)["jobs"]["test"]
    assert job["runs-on"].startswith("ubuntu")
    # Debian 12 with Python 3.11, where .ci/run installs Debian's Chromium with apt-get.
    assert job["container"] == "python:3.11-bookworm"
    runs = [s["run"].strip() for s in steps() if "run" in s]
    assert runs[0].startswith("git config --global --add safe.directory")
    assert runs[1] == "bash .ci/run"
    # .ci/run is the README's test command, and nothing else.
    assert (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().endswith("exec make test")


def test_ci_writes_the_data_diff_to_the_job_summary() -> None:
    step = diff_step()
    assert step["shell"] == "bash"
    assert "--format markdown" in step["run"]
    assert '>> "$GITHUB_STEP_SUMMARY"' in step["run"]
    assert "--fail-on-removed" in step["run"]
    checkout = steps()[0]
    assert checkout["uses"].startswith("actions/checkout") and checkout["with"]["fetch-depth"] == 0


@pytest.mark.parametrize(("allow_removed", "exit_code"), [("false", 1), ("true", 0)])
def test_ci_diff_step_fails_on_removed_rows_unless_labelled(
    package_copy: Path, tmp_path: Path, allow_removed: str, exit_code: int
) -> None:
    """Run the step's own script, as Actions would, on a pull request that drops a row."""
    git(package_copy, "init", "-q", "-b", "main")
    git(package_copy, "add", ".")
    git(package_copy, "commit", "-q", "-m", "base")
    base = git(package_copy, "rev-parse", "HEAD")
    path = package_copy / "resources" / "countries.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.reader(fh) if r[0] != "IT"]
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    step = diff_step()
    script = step["run"].replace(
        ".venv/bin/japus-data", shlex.join([sys.executable, "-m", "japus_data"])
    )
    summary = tmp_path / "summary.md"
    env = {
        **os.environ,
        "EVENT": "pull_request",
        "PR_BASE": base,
        "PUSH_BEFORE": "",
        "ALLOW_REMOVED": allow_removed,
        "GITHUB_STEP_SUMMARY": str(summary),
    }
    result = subprocess.run(
        ["bash", "-c", script],
        cwd=package_copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == exit_code, result.stdout + result.stderr
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("## Data diff")
    assert "countries lost 1 row" in text
    assert "::warning title=Data diff::countries lost 1 row" in result.stdout
    assert ("::error title=Data diff::" in result.stdout) == (exit_code == 1)


def test_ci_diff_step_skips_a_missing_base(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    env = {
        **os.environ,
        "EVENT": "push",
        "PR_BASE": "",
        "PUSH_BEFORE": "0" * 40,  # what a push that creates a branch reports
        "ALLOW_REMOVED": "false",
        "GITHUB_STEP_SUMMARY": str(summary),
    }
    result = subprocess.run(
        ["bash", "-c", diff_step()["run"]],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "no data diff" in summary.read_text(encoding="utf-8")


def test_pull_request_template_has_the_checklist() -> None:
    text = (GITHUB / "pull_request_template.md").read_text(encoding="utf-8")
    items = [line for line in text.splitlines() if line.startswith("- [ ]")]
    for needed in ["locator", "make hash", "make test", "CHANGELOG", "recipe", "japus-data diff"]:
        assert any(needed in item for item in items), needed


def test_wrong_figure_form_is_a_valid_issue_form(package: Package) -> None:
    form = load(FORM)
    assert {"name", "description", "body"} <= set(form)
    ids = [e["id"] for e in form["body"] if "id" in e]
    assert len(ids) == len(set(ids))
    for element in form["body"]:
        assert element["type"] in FORM_TYPES
        assert element["type"] == "markdown" or element["attributes"]["label"]
    wanted = ["table", "row_key", "value_in_data", "value_in_source", "source_locator", "evidence"]
    assert set(wanted) <= set(ids)
    required = {e["id"] for e in form["body"] if e.get("validations", {}).get("required")}
    assert set(wanted) <= required


def test_wrong_figure_form_lists_every_table(package: Package) -> None:
    [table] = [e for e in load(FORM)["body"] if e.get("id") == "table"]
    assert table["attributes"]["options"] == package.table_names


def test_issue_template_config() -> None:
    config = load(GITHUB / "ISSUE_TEMPLATE" / "config.yml")
    assert isinstance(config["blank_issues_enabled"], bool)
    for link in config.get("contact_links", []):
        assert {"name", "url", "about"} <= set(link)


# --- the Pages workflow and the README badges --------------------------------------------------

PAGES = GITHUB / "workflows" / "pages.yml"


def project_urls() -> dict[str, str]:
    import tomllib

    urls: dict[str, str] = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))[
        "project"
    ]["urls"]
    return urls


def test_pages_builds_strictly_and_publishes_on_a_release() -> None:
    workflow = load(PAGES)
    on = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert on["release"]["types"] == ["published"]
    assert set(on) == {"release", "workflow_dispatch"}  # never on a pull request
    assert workflow["permissions"] == {"contents": "read"}
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    uses = {s["uses"].split("@")[0]: s for s in build["steps"] if "uses" in s}
    [run] = [s for s in build["steps"] if "run" in s]
    assert run["run"].strip() == "make docs"
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    [recipe] = [line for line in makefile.splitlines() if "mkdocs build" in line]
    assert "--strict" in recipe and "--site-dir site" in recipe
    assert uses["actions/upload-pages-artifact"]["with"]["path"] == "site"
    # The site's address is where Pages serves it, through the one setting mkdocs.yml reads.
    assert run["env"]["JAPUS_SITE_URL"] == "${{ steps.pages.outputs.base_url }}/"
    assert uses["actions/configure-pages"]["id"] == "pages"
    assert "JAPUS_SITE_URL" in (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    [step] = deploy["steps"]
    assert step["uses"].startswith("actions/deploy-pages@") and step["id"] == "deployment"
    for job in (build, deploy):
        for s in job["steps"]:
            if "uses" in s:
                assert re.fullmatch(r"[\w-]+/[\w-]+@v\d+", s["uses"]), s["uses"]


def test_readme_badges_point_at_the_repository_and_its_workflows() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    badges = re.findall(r"^\[!\[([^\]]+)\]\(([^)]+)\)\]\(([^)]+)\)$", readme, re.M)
    by_name = {name: (image, link) for name, image, link in badges}
    assert {"CI", "Docs", "Version"} <= by_name.keys()
    assert any("CC BY 4.0" in name for name in by_name)
    repository, docs = project_urls()["Repository"], project_urls()["Documentation"]
    for workflow, name in (("ci.yml", "CI"), ("pages.yml", "Docs")):
        assert (GITHUB / "workflows" / workflow).is_file()
        image, _ = by_name[name]
        assert image == f"{repository}/actions/workflows/{workflow}/badge.svg"
    assert by_name["CI"][1] == f"{repository}/actions/workflows/ci.yml"
    assert by_name["Docs"][1] == docs
    owner_repo = repository.removeprefix("https://github.com/")
    assert by_name["Version"] == (
        f"https://img.shields.io/github/v/release/{owner_repo}",
        f"{repository}/releases",
    )
    for _, link in by_name.values():  # a relative link is a file of the repository
        if not link.startswith("https://"):
            assert (ROOT / link).is_file(), link
