"""Issue 26.1: the cluster's database archive is copied off the machine, into a versioned bucket,
and fetched back from it."""

import sys
from pathlib import Path

import pytest

from deploy import media, offsite
from deploy.edge import free_port

MOTO = Path(sys.executable).parent / "moto_server"
pytestmark = pytest.mark.skipif(not MOTO.exists(), reason="moto[server] is not installed")


@pytest.fixture(scope="module")
def moto():
    process, endpoint, key_id, secret = media.start_bucket(MOTO, free_port())
    yield media.client(endpoint, key_id, secret)
    process.terminate()
    process.wait(10)


@pytest.fixture
def s3(moto, request):
    """The server of the module, and a backup bucket of the test's own (the default name)."""
    for key in offsite.keys(moto) if offsite.BUCKET in _buckets(moto) else ():
        moto.delete_object(Bucket=offsite.BUCKET, Key=key)
    if offsite.BUCKET not in _buckets(moto):
        offsite.create_bucket(moto)
    return moto


def _buckets(s3) -> set[str]:
    return {bucket["Name"] for bucket in s3.list_buckets()["Buckets"]}


def test_finished_segments_and_whole_base_backups_are_shipped_once(s3, tmp_path):
    (tmp_path / "wal").mkdir()
    (tmp_path / "wal" / "000000010000000000000001.gz").write_bytes(b"segment 1")
    (tmp_path / "wal" / "000000010000000000000002.gz.part").write_bytes(b"being written")
    (tmp_path / ".lock").touch()
    base = tmp_path / "base" / "20261203T120000Z"
    base.mkdir(parents=True)
    (base / "base.tar.gz").write_bytes(b"the server")
    shipper = offsite.Shipper(s3, tmp_path)
    assert shipper.ship() == 1  # the base backup is not finished yet
    assert offsite.keys(s3) == {"wal/000000010000000000000001.gz"}
    (base / "finished").write_text("2026-12-03T12:00:05+00:00\n")
    assert shipper.ship() == 2
    assert offsite.Shipper(s3, tmp_path).ship() == 0  # a new shipper asks the bucket first
    assert offsite.keys(s3) == {
        "wal/000000010000000000000001.gz",
        "base/20261203T120000Z/base.tar.gz",
        "base/20261203T120000Z/finished",
    }


def test_a_lost_disk_gets_the_archive_back_from_the_bucket(s3, tmp_path):
    shipped, lost = tmp_path / "shipped", tmp_path / "new-disk"
    (shipped / "wal").mkdir(parents=True)
    (shipped / "wal" / "000000010000000000000001.gz").write_bytes(b"segment 1")
    offsite.Shipper(s3, shipped).ship()
    assert offsite.fetch(s3, lost) == 1
    assert (lost / "wal" / "000000010000000000000001.gz").read_bytes() == b"segment 1"
    assert offsite.fetch(s3, lost) == 0


def test_the_buckets_keep_what_is_written_over(s3):
    for bucket in (offsite.BUCKET, media.BUCKET):
        for body in (b"first", b"second"):
            s3.put_object(Bucket=bucket, Key="library/photo.jpg", Body=body)
        versions = s3.list_object_versions(Bucket=bucket, Prefix="library/photo.jpg")
        assert len(versions["Versions"]) == 2
