"""``cookiegate publish``: the published set on disk, switched atomically, and its staleness."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import typing as t
from pathlib import Path

import brotli
import pytest
from click.testing import CliRunner

from cookiegate.cli.main import main
from cookiegate.web.publishable import publishable

from ..admin_helpers import AdminActions


def run(runner: CliRunner, *args: str) -> t.Any:
    return runner.invoke(main, ["publish", *args])


def manifest(out: Path, site: str = "demo") -> dict[str, t.Any]:
    return t.cast(
        dict[str, t.Any], json.loads((out / f"v1/sites/{site}/manifest.json").read_text())
    )


def set_revision(sites_dir: Path, revision: int) -> None:
    path = sites_dir / "demo.toml"
    path.write_text(re.sub(r"(?m)^revision = \d+$", f"revision = {revision}", path.read_text()))


@pytest.fixture
def out(tmp_path: Path) -> Path:
    return tmp_path / "published"


def test_every_file_is_written_at_its_url_path_with_its_encodings_and_manifest(
    runner: CliRunner, app: t.Any, out: Path
) -> None:
    result = run(runner, "demo", "--out", str(out))
    assert result.exit_code == 0, result.output
    with app.app_context():
        files = publishable(app.extensions["cookiegate"].sites["demo"])
    assert f"{len(files)} written, 0 unchanged" in result.output
    entries = {e["path"]: e for e in manifest(out)["files"]}
    assert set(entries) == {f.path for f in files}
    for f in files:
        on_disk = out / f.path[1:]
        identity = f.asset.encodings["identity"]
        assert on_disk.read_bytes() == identity, f.path
        assert brotli.decompress(Path(f"{on_disk}.br").read_bytes()) == identity, f.path
        assert gzip.decompress(Path(f"{on_disk}.gz").read_bytes()) == identity, f.path
        entry = entries[f.path]
        assert entry["sha256"] == hashlib.sha256(identity).hexdigest()
        assert entry["content_type"] == f.asset.content_type
        assert entry["sizes"]["br"] == len(f.asset.encodings["br"])
        assert entry["immutable"] is (f.max_age is None)
    assert manifest(out)["revision"] == 1 and manifest(out)["site"] == "demo"


def test_the_published_loader_and_gpc_file_are_the_bytes_the_app_serves(
    runner: CliRunner, client: t.Any, out: Path
) -> None:
    assert run(runner, "demo", "--out", str(out)).exit_code == 0
    for path in ("/v1/sites/demo/loader.js", "/v1/sites/demo/gpc.json"):
        served = client.get(path, headers={"Accept-Encoding": "identity"})
        assert served.status_code == 200
        assert (out / path[1:]).read_bytes() == served.data, path


def test_out_is_a_link_switched_to_a_new_release_and_old_releases_are_pruned(
    runner: CliRunner, out: Path
) -> None:
    for _ in range(3):
        assert run(runner, "demo", "--out", str(out)).exit_code == 0
    assert out.is_symlink()
    releases = sorted(p.name for p in (out.parent / ".published.releases").glob("r*"))
    assert releases == ["r000002", "r000003"]
    assert out.resolve().name == "r000003"
    assert manifest(out)["publish"] == 3


def test_unchanged_files_are_linked_so_their_etag_stays(runner: CliRunner, out: Path) -> None:
    run(runner, "demo", "--out", str(out))
    loader = out / "v1/sites/demo/loader.js"
    before = loader.stat()
    result = run(runner, "demo", "--out", str(out))
    assert "0 written" in result.output
    after = loader.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_hashed_files_of_the_last_publishes_stay_for_cached_loaders(
    runner: CliRunner, out: Path, sites_dir: Path
) -> None:
    run(runner, "demo", "--out", str(out), "--keep", "2")
    first = {e["path"] for e in manifest(out)["files"] if e["immutable"]}
    pinned = next(p for p in first if re.search(r"/loader\.[0-9a-f]+\.js$", p))
    set_revision(sites_dir, 2)
    run(runner, "demo", "--out", str(out), "--keep", "2")
    assert (out / pinned[1:]).is_file() and Path(f"{out / pinned[1:]}.br").is_file()
    assert {"path": pinned, "publish": 1} in manifest(out)["kept"]
    set_revision(sites_dir, 3)
    run(runner, "demo", "--out", str(out), "--keep", "2")
    assert not (out / pinned[1:]).exists()
    assert all(k["publish"] == 2 for k in manifest(out)["kept"])


def test_sites_sharing_a_folder_keep_each_others_files(
    runner: CliRunner, out: Path, sites_dir: Path
) -> None:
    text = (sites_dir / "demo.toml").read_text()
    (sites_dir / "other.toml").write_text(text.replace('id = "demo"', 'id = "other"'))
    run(runner, "demo", "--out", str(out))
    run(runner, "other", "--out", str(out))
    set_revision(sites_dir, 2)
    assert run(runner, "demo", "--out", str(out)).exit_code == 0
    assert manifest(out, "other")["revision"] == 1
    for entry in manifest(out, "other")["files"]:
        assert (out / entry["path"][1:]).is_file(), entry["path"]
    assert manifest(out)["revision"] == 2


def test_an_unknown_site_is_a_usage_error_naming_it(runner: CliRunner, out: Path) -> None:
    result = run(runner, "nosuch", "--out", str(out))
    assert result.exit_code == 2
    assert "No site with id 'nosuch' is configured (sites: demo)" in result.output
    assert not out.exists() and not (out.parent / ".published.releases").exists()


def test_a_folder_with_other_files_is_refused_and_left_alone(
    runner: CliRunner, tmp_path: Path
) -> None:
    www = tmp_path / "www"
    www.mkdir()
    (www / "index.html").write_text("the shop")
    result = run(runner, "demo", "--out", str(www))
    assert result.exit_code == 1
    assert f"Cannot publish to {www}: it is a folder with files in it." in result.output
    assert [p.name for p in www.iterdir()] == ["index.html"]


def test_a_missing_parent_folder_is_a_clear_error(runner: CliRunner, tmp_path: Path) -> None:
    result = run(runner, "demo", "--out", str(tmp_path / "no" / "such" / "dir"))
    assert result.exit_code == 1
    assert f"the folder {tmp_path / 'no' / 'such'} does not exist" in result.output
    assert "Traceback" not in result.output


def test_check_config_says_when_the_published_set_is_stale(
    runner: CliRunner, out: Path, sites_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COOKIEGATE_PUBLISH_DIR", str(out))
    config = str(sites_dir / "demo.toml")
    result = runner.invoke(main, ["check-config", config])
    assert f"site 'demo' has no published set in {out}" in result.output
    run(runner, "demo")
    result = runner.invoke(main, ["check-config", config])
    assert "published set is current (revision 1)" in result.output
    set_revision(sites_dir, 2)
    result = runner.invoke(main, ["check-config", config])
    assert result.exit_code == 0
    assert (
        "warning: published set is stale: published for revision 1, config is now 2; "
        f"run cookiegate publish demo --out {out}"
    ) in result.output


def test_check_config_notices_changed_files_under_the_same_revision(
    runner: CliRunner, out: Path, sites_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COOKIEGATE_PUBLISH_DIR", str(out))
    run(runner, "demo")
    path = sites_dir / "demo.toml"
    # A wording fix: the banner's texts change, the revision does not.
    wording = "Card payments and fraud prevention at checkout."
    assert wording in path.read_text()
    path.write_text(
        path.read_text().replace(wording, "Card payments and fraud checks at checkout.")
    )
    result = runner.invoke(main, ["check-config", str(path)])
    assert re.search(r"warning: published set is stale: \d+ file\(s\) differ", result.output)


def test_the_site_dashboard_shows_a_stale_set_until_it_is_published(
    make_app: t.Any, runner: CliRunner, out: Path
) -> None:
    app = make_app(PUBLISH_DIR=str(out))
    admin = AdminActions(app, app.test_client()).as_admin()
    page = admin.client.get("/admin/sites/demo/dashboard").get_data(as_text=True)
    assert 'id="publish-status"' in page
    assert "published for revision —, the config is at revision 1" in page
    assert f"Run cookiegate publish demo --out {out}." in page
    run(runner, "demo", "--out", str(out))
    page = admin.client.get("/admin/sites/demo/dashboard").get_data(as_text=True)
    assert 'id="publish-status"' not in page
