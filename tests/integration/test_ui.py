"""The Dagster UI as auditors see it: the webserver started from workspace.yaml on 127.0.0.1,
its GraphQL API listing every asset, dependency, check, schedule and sensor, the lineage page
rendered in headless Chromium, and the read-only mode refusing to launch runs."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from integration_pipeline.definitions import build_defs

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CHROMIUM = "/usr/bin/chromium"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _gql(url: str, query: str, variables: dict | None = None) -> dict:
    req = urllib.request.Request(f"{url}/graphql", method="POST",
                                 data=json.dumps({"query": query,
                                                  "variables": variables or {}}).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read())


def _start(tmp_path, *extra):
    port = _free_port()
    env = dict(os.environ, DAGSTER_HOME=str(tmp_path))
    log = open(tmp_path / "webserver.log", "w")
    proc = subprocess.Popen([str(BIN / "dagster-webserver"), "-w", "workspace.yaml",
                             "-h", "127.0.0.1", "-p", str(port), *extra],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(f"{url}/server_info", timeout=2)
            break
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError((tmp_path / "webserver.log").read_text()) from None
            time.sleep(0.5)
    else:
        proc.kill()
        raise RuntimeError("webserver did not start in 60 s")
    return proc, url


def _stop(proc):
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def webserver(tmp_path_factory):
    proc, url = _start(tmp_path_factory.mktemp("dagster_home"))
    yield url
    _stop(proc)


def test_graphql_lists_assets_with_dependencies(webserver):
    data = _gql(webserver, "{ assetNodes { assetKey { path } dependencyKeys { path } "
                           "groupName description } }")["data"]["assetNodes"]
    got = {"/".join(n["assetKey"]["path"]): sorted("/".join(d["path"])
                                                    for d in n["dependencyKeys"])
           for n in data}
    graph = build_defs().resolve_asset_graph()
    want = {k.to_user_string(): sorted(p.to_user_string() for p in graph.get(k).parent_keys)
            for k in graph.get_all_asset_keys() if graph.get(k).is_materializable}
    assert got == want
    assert all(n["description"] for n in data)
    assert got["core/immigrant"] and "raw/cpr__migrations" in got["core/migration"]


def test_graphql_lists_schedule_sensor_and_checks(webserver):
    repos = _gql(webserver, "{ repositoriesOrError { ... on RepositoryConnection { nodes { "
                            "schedules { name cronSchedule } sensors { name } } } } }")
    node = repos["data"]["repositoriesOrError"]["nodes"][0]
    assert node["schedules"] == [{"name": "monthly_load_schedule", "cronSchedule": "0 3 2 * *"}]
    assert node["sensors"] == [{"name": "delivery_sensor"}]
    checks = _gql(webserver, "{ assetNodes { assetKey { path } assetChecksOrError { "
                             "... on AssetChecks { checks { name blocking } } } } }")
    names = {("/".join(n["assetKey"]["path"]), c["name"])
             for n in checks["data"]["assetNodes"]
             for c in (n["assetChecksOrError"].get("checks") or [])}
    defs = build_defs()
    want = {(k.asset_key.to_user_string(), k.name)
            for k in defs.resolve_asset_graph().asset_check_keys}
    assert names == want


@pytest.mark.skipif(not Path(CHROMIUM).exists() and not os.environ.get("CI"),
                    reason="Chromium not installed (.ci/run installs it)")
def test_lineage_page_screenshot(webserver, tmp_path):
    from playwright.sync_api import sync_playwright

    png = tmp_path / "lineage.png"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.goto(f"{webserver}/asset-groups", wait_until="networkidle")
        skip = page.get_by_role("button", name="Skip")
        if skip.count():
            skip.click()  # first-visit community dialog
        for group in ("raw", "core", "report", "publish"):
            page.get_by_text(group, exact=True).first.wait_for(timeout=30000)
        page.screenshot(path=str(png))
        browser.close()
    assert png.stat().st_size > 20000


def test_read_only_webserver_refuses_runs(tmp_path):
    proc, url = _start(tmp_path, "--read-only")
    try:
        res = _gql(url, """mutation($p: ExecutionParams!) { launchRun(executionParams: $p) {
                             __typename } }""",
                   {"p": {"selector": {"repositoryLocationName": "integration_pipeline",
                                       "repositoryName": "__repository__",
                                       "jobName": "monthly_load"},
                          "executionMetadata": {"tags": [{"key": "dagster/partition",
                                                          "value": "2017-06"}]}}})
        assert res["data"]["launchRun"]["__typename"] == "UnauthorizedError"
    finally:
        _stop(proc)
