"""The cluster's copy of the database archive off the machine: var/backups (the WAL segments and
the base backups newsportal.archive writes) copied into a bucket of its own.

`make cluster` ships what is new every 10 s into `newsportal-backups`, a versioned bucket (an
overwrite or a deletion keeps the older version), never the media bucket readers fetch from.
After losing the machine's disk: `python deploy/offsite.py fetch` with the bucket's address and
keys in S3_ENDPOINT_URL, S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY brings var/backups back, and
`make recover` does the rest.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from newsportal.archive import BACKUPS  # noqa: E402

BUCKET = "newsportal-backups"


def create_bucket(s3, bucket: str = BUCKET) -> None:
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})


def keys(s3, bucket: str = BUCKET) -> set[str]:
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
    return {item["Key"] for page in pages for item in page.get("Contents", [])}


class Shipper:
    """Copies each finished file of `folder` to the bucket once."""

    def __init__(self, s3, folder: Path = BACKUPS, bucket: str = BUCKET):
        self.s3, self.folder, self.bucket = s3, Path(folder), bucket
        self.sent = keys(s3, bucket)

    def ready(self, path: Path) -> bool:
        if not path.is_file() or path.name.endswith(".part") or path.name.startswith("."):
            return False  # a segment being written, the lock
        in_base = path.relative_to(self.folder).parts[0] == "base"
        return not in_base or (path.parent / "finished").exists()  # a base backup, once whole

    def ship(self) -> int:
        shipped = 0
        for path in sorted(self.folder.rglob("*")):
            key = path.relative_to(self.folder).as_posix()
            if key not in self.sent and self.ready(path):
                self.s3.upload_file(str(path), self.bucket, key)
                self.sent.add(key)
                shipped += 1
        return shipped


def fetch(s3, folder: Path = BACKUPS, bucket: str = BUCKET) -> int:
    """What the bucket holds and `folder` lacks, downloaded; how many files."""
    fetched = 0
    for key in sorted(keys(s3, bucket)):
        target = folder / key
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            s3.download_file(bucket, key, str(target))
            fetched += 1
    return fetched


if __name__ == "__main__":
    from deploy import media

    if sys.argv[1:] != ["fetch"]:
        raise SystemExit("usage: deploy/offsite.py fetch  (S3_ENDPOINT_URL, S3_ACCESS_KEY_ID, ...)")
    s3 = media.client(os.environ.get("S3_ENDPOINT_URL"), os.environ["S3_ACCESS_KEY_ID"],
                      os.environ["S3_SECRET_ACCESS_KEY"])  # fmt: skip
    print(f"offsite: {fetch(s3)} file(s) fetched into {BACKUPS}; now make stopdb && make recover")
