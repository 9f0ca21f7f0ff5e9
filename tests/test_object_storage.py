"""Media on S3-compatible object storage, against a real S3 HTTP server on loopback (moto)."""

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path, PurePosixPath

import pytest
from django.urls import reverse

from articles.models import Article
from deploy.edge import free_port
from newsportal.env import s3_storage
from tests.images import image_bytes, upload
from tests.test_editors import ADD, article_post

MOTO = Path(sys.executable).with_name("moto_server")
BUCKET = "newsroom-media"
PUBLIC_READ = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                   "Resource": f"arn:aws:s3:::{BUCKET}/*"}],
}  # fmt: skip
pytestmark = [
    pytest.mark.skipif(not MOTO.exists(), reason="moto[server] is not installed"),
    pytest.mark.django_db,
]


@pytest.fixture(scope="module")
def s3_server():
    port = free_port()
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"}
    server = subprocess.Popen(
        [str(MOTO), "-H", "127.0.0.1", "-p", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    endpoint = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(endpoint, timeout=1)
            break
        except OSError as error:
            if getattr(error, "code", None):  # an HTTP answer: it is up
                break
            time.sleep(0.1)
    yield endpoint
    server.terminate()
    server.wait(10)


@pytest.fixture
def bucket(s3_server, settings):
    import boto3

    client = boto3.client(
        "s3", endpoint_url=s3_server, region_name="us-east-1",
        aws_access_key_id="test", aws_secret_access_key="test",
    )  # fmt: skip
    client.create_bucket(Bucket=BUCKET)
    # As a newsroom sets its media bucket up: anyone may read a file, nobody may list them.
    client.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(PUBLIC_READ))
    settings.MEDIA_URL = f"{s3_server}/{BUCKET}/"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_storage(BUCKET, settings.MEDIA_URL, s3_server, "us-east-1", "test", "test"),
    }
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])


def stored(client):
    return {item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])}


def test_a_cover_goes_to_the_bucket_and_pages_link_to_it(staff_client, client, bucket, committed):
    response = staff_client.post(
        ADD, article_post(cover_image=upload(image_bytes(size=(1000, 600))), cover_alt="Steppe")
    )
    assert response.status_code == 302
    article = Article.objects.get()
    keys = stored(bucket)
    assert article.cover.file.name in keys
    assert set(article.cover.renditions.values()) <= keys
    page = client.get(article.get_absolute_url()).content.decode()
    url = article.cover_url
    assert url.startswith("http://127.0.0.1:") and f"/{BUCKET}/renditions/" in url
    assert url in page
    with urllib.request.urlopen(url) as image:  # readers fetch it from the bucket itself
        assert image.headers["Content-Type"] == "image/webp"
        assert "immutable" in image.headers.get("Cache-Control", "")
    # Replaced: the old picture stays in the library (in the bucket), the new one joins it.
    old = {article.cover.file.name, *article.cover.renditions.values()}
    change = reverse("admin:articles_article_change", args=[article.pk])
    with committed():
        staff_client.post(
            change, article_post(cover_image=upload(image_bytes(color=(0, 0, 9))), cover_alt="New")
        )
    assert old <= stored(bucket)
    article.refresh_from_db()
    assert article.cover.file.name in stored(bucket)
    assert article.cover.file.name not in old


def test_a_drafts_cover_address_cannot_be_guessed(staff_client, bucket):
    staff_client.post(
        ADD,
        article_post(status="draft", cover_image=upload(image_bytes()), cover_alt="Embargoed"),
    )
    name = PurePosixPath(Article.objects.get().cover.file.name)
    guess = f"library/{name.parent.parent.name}/{name.parent.name}/embargoed.jpg"
    assert guess not in stored(bucket)
    assert len(name.stem) > len("embargoed") + 8


def test_the_settings_put_uploads_in_the_bucket_and_let_pages_show_them():
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; "
         "print(settings.SECURE_CSP['img-src'], settings.STORAGES['default']['BACKEND'])"],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "newsportal.settings",
             "S3_BUCKET": BUCKET, "MEDIA_URL": "https://media.example.com/news/"},
        capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent,
    )  # fmt: skip
    assert "https://media.example.com" in result.stdout
    assert "S3Storage" in result.stdout
