"""The delivery sensor's scan: complete folders only, manifest verified, each content once."""

import json
import shutil

from integration_pipeline.delivery import scan, sha256_file
from tests.conftest import TINY


def _copy(tmp_path, month="2017-06"):
    dst = tmp_path / "data_raw" / month
    shutil.copytree(TINY / "2017-06", dst)
    (dst / "expected.json").unlink()
    return dst


def test_new_delivery_found_once(tmp_path):
    _copy(tmp_path)
    found, cursor, _ = scan(tmp_path / "data_raw", {}, now=1e12)
    assert [f.month for f in found] == ["2017-06"]
    again, cursor2, _ = scan(tmp_path / "data_raw", cursor, now=1e12)
    assert again == [] and cursor2 == cursor


def test_changed_content_is_found_again_touch_alone_is_not(tmp_path):
    d = _copy(tmp_path)
    found, cursor, _ = scan(tmp_path / "data_raw", {}, now=1e12)
    (d / "dream.csv").touch()  # new mtime, same bytes
    again, cursor, _ = scan(tmp_path / "data_raw", cursor, now=1e12)
    assert again == []
    with open(d / "residence_permits.csv", "a", encoding="utf-8") as f:
        f.write("0101010101;2017-01-01;Studie;41;4101;5448\n")
    changed, _, _ = scan(tmp_path / "data_raw", cursor, now=1e12)
    assert [f.month for f in changed] == ["2017-06"]
    assert changed[0].run_key != found[0].run_key


def test_incomplete_or_fresh_or_bad_manifest_waits(tmp_path):
    d = _copy(tmp_path)
    (d / "dream.csv").unlink()
    found, _, notes = scan(tmp_path / "data_raw", {}, now=1e12)
    assert found == [] and "incomplete" in notes[0]
    d2 = _copy(tmp_path, "2017-07")
    for f in d2.iterdir():
        f.touch()  # just written (copytree keeps the fixture's old mtimes)
    found, _, notes = scan(tmp_path / "data_raw", {}, now=None, min_age_s=3600)
    assert found == [] and any("2017-07" in n and "changed less than" in n for n in notes)
    (d2 / "MANIFEST.json").write_text(json.dumps({"files": [
        {"name": "cpr_extract.txt", "sha256": "0" * 64}]}), encoding="utf-8")
    found, _, notes = scan(tmp_path / "data_raw", {}, now=1e12)
    assert found == [] and any("sha256 differs" in n for n in notes)
    (d2 / "MANIFEST.json").write_text(json.dumps({"files": [
        {"name": "cpr_extract.txt", "sha256": sha256_file(d2 / "cpr_extract.txt")}]}),
        encoding="utf-8")
    found, _, _ = scan(tmp_path / "data_raw", {}, now=None, min_age_s=3600)
    assert [f.month for f in found] == ["2017-07"]  # manifest agrees: no need to wait


def test_non_month_folders_ignored(tmp_path):
    (tmp_path / "data_raw" / "scratch").mkdir(parents=True)
    found, _, _ = scan(tmp_path / "data_raw", {}, now=1e12)
    assert found == []
