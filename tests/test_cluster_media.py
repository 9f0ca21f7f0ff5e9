"""Issue 31.8: the rehearsal's media bucket checks credentials, and readers get files from a
read-only front (deploy/media.py): no anonymous listing, no anonymous writes."""

import shutil
import sys
import urllib.request
from pathlib import Path
from urllib.error import HTTPError

import pytest

from deploy import media
from deploy.edge import free_port

MOTO = Path(sys.executable).parent / "moto_server"
pytestmark = pytest.mark.skipif(
    not MOTO.exists() and not shutil.which("moto_server"), reason="moto[server] is not installed"
)


def status(url, method="GET", data=None) -> int:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data, method=method)) as r:
            return r.status
    except HTTPError as error:
        return error.code


@pytest.fixture(scope="module")
def bucket():
    process, endpoint, key_id, secret = media.start_bucket(MOTO, free_port())
    front = media.serve_files(free_port(), endpoint, key_id, secret)
    yield endpoint, key_id, secret, f"http://127.0.0.1:{front.server_port}/{media.BUCKET}/"
    front.shutdown()
    front.server_close()
    process.terminate()
    process.wait(10)


def test_the_bucket_refuses_anyone_without_its_keys(bucket):
    endpoint, key_id, secret, _ = bucket
    s3 = media.client(endpoint, key_id, secret)
    s3.put_object(Bucket=media.BUCKET, Key="library/a.jpg", Body=b"jpeg", ContentType="image/jpeg")
    assert status(f"{endpoint}/{media.BUCKET}/") >= 400  # no anonymous listing
    assert status(f"{endpoint}/{media.BUCKET}/x.html", "PUT", b"<script>") >= 400
    with pytest.raises(Exception, match="InvalidAccessKeyId"):
        media.client(endpoint, "cluster", "cluster").list_objects(Bucket=media.BUCKET)


def test_readers_get_files_from_the_read_only_front_and_nothing_else(bucket):
    endpoint, key_id, secret, front = bucket
    s3 = media.client(endpoint, key_id, secret)
    s3.put_object(Bucket=media.BUCKET, Key="library/b.jpg", Body=b"jpeg", ContentType="image/jpeg")
    with urllib.request.urlopen(front + "library/b.jpg") as response:
        assert (response.status, response.read()) == (200, b"jpeg")
        assert response.headers["Content-Type"] == "image/jpeg"
    assert status(front) == 404  # no listing
    assert status(front + "?list-type=2") == 404
    assert status(front + "library/missing.jpg") == 404
    assert status(front + "../other/x") == 404
    assert status(front + "library/evil.html", "PUT", b"<script>") == 405
