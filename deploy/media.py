"""The media bucket of `make cluster`, as safe as production's: a local S3 server (moto) that
checks credentials on every request, and a read-only front that serves files to readers.

Production buckets let anyone read a file and nobody list or write (README, Deploying). moto can
either check signatures or serve anonymous reads, not both: so the bucket checks signatures (with
keys made for this run), and readers' browsers fetch files from this front, which asks the bucket
with those keys for exactly one file per request. No listing, no writing, no other bucket.
"""

import json
import re
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

BUCKET = "newsportal-media"
# What moto serves before it starts checking signatures: making the user, its policy and its key.
SETUP_ACTIONS = 3
FILE = (
    r"[A-Za-z0-9._/-]+"  # the names django-storages writes (articles/media/images.py stored_name)
)


def start_bucket(moto_server: Path, port: int, log=subprocess.DEVNULL):
    """Start moto on 127.0.0.1:port checking credentials; (process, endpoint, key id, secret)."""
    import boto3

    process = subprocess.Popen(
        [str(moto_server), "-H", "127.0.0.1", "-p", str(port)],
        env={"INITIAL_NO_AUTH_ACTION_COUNT": str(SETUP_ACTIONS), "PATH": "/usr/bin:/bin"},
        stdout=log, stderr=log,
    )  # fmt: skip
    endpoint = f"http://127.0.0.1:{port}"
    iam = boto3.client(
        "iam", endpoint_url=endpoint, region_name="us-east-1",
        aws_access_key_id="setup", aws_secret_access_key="setup",
    )  # fmt: skip
    for _ in range(100):
        try:
            iam.create_user(UserName="newsportal")
            break
        except Exception:  # not listening yet
            time.sleep(0.1)
    everything = {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}
    iam.put_user_policy(
        UserName="newsportal", PolicyName="media",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [everything]}),
    )  # fmt: skip
    key = iam.create_access_key(UserName="newsportal")["AccessKey"]
    s3 = client(endpoint, key["AccessKeyId"], key["SecretAccessKey"])
    s3.create_bucket(Bucket=BUCKET)
    # Versioned: an upload written over, or deleted, keeps its older version (issue 26.3).
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    return process, endpoint, key["AccessKeyId"], key["SecretAccessKey"]


def client(endpoint: str, key_id: str, secret: str):
    import boto3

    return boto3.client(
        "s3", endpoint_url=endpoint, region_name="us-east-1",
        aws_access_key_id=key_id, aws_secret_access_key=secret,
    )  # fmt: skip


def serve_files(port: int, endpoint: str, key_id: str, secret: str) -> ThreadingHTTPServer:
    """The read-only front on 127.0.0.1:port: GET and HEAD of /BUCKET/<file>, nothing else."""
    s3 = client(endpoint, key_id, secret)

    class Front(BaseHTTPRequestHandler):
        def answer(self, with_body: bool):
            parts = urlsplit(self.path)
            name = unquote(parts.path).removeprefix(f"/{BUCKET}/")
            if parts.query or name == unquote(parts.path) or not _is_file_name(name):
                return self.send_error(404, "No such file")
            try:
                found = s3.get_object(Bucket=BUCKET, Key=name)
            except s3.exceptions.NoSuchKey:
                return self.send_error(404, "No such file")
            body = found["Body"].read()
            self.send_response(200)
            self.send_header("Content-Type", found.get("ContentType", "application/octet-stream"))
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", found.get("CacheControl") or "public, max-age=60")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            if with_body:
                self.wfile.write(body)

        def do_GET(self):
            self.answer(True)

        def do_HEAD(self):
            self.answer(False)

        def refuse(self):
            self.send_error(405, "Read only")

        do_PUT = do_POST = do_DELETE = do_PATCH = refuse

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Front)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _is_file_name(name: str) -> bool:
    return bool(re.fullmatch(FILE, name)) and ".." not in name and not name.endswith("/")
