"""`python manage.py ...` as a new process runs it, in a third of the time.

A command spends most of its half second importing Django and the libraries. Here it is forked
from a process that imported them once (multiprocessing's fork server), nothing that reads the
settings: each command still starts with its own environment, reads the settings, loads the apps
and exits with its own status, as `python manage.py` does.
"""

import multiprocessing
import os
import runpy
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Imported once by the fork server; none of them reads the settings when imported.
LIBRARIES = [
    "django.core.management",
    "django.contrib.admin",
    "django.contrib.postgres.search",
    "django.forms",
    "django.test",
    "axes",
    "boto3",
    "nh3",
    "PIL.Image",
    "psycopg2",
    "redis",
    "storages.backends.s3",
    "whitenoise.middleware",
]

_forks = multiprocessing.get_context("forkserver")
_forks.set_forkserver_preload(LIBRARIES)


def _command(args, env, cwd, stdout, stderr):
    """In the forked process: what `python manage.py *args` does, from `cwd`, with `env`."""
    os.environ.clear()
    os.environ.update(env)
    os.chdir(cwd)
    sys.path.insert(0, cwd)
    sys.argv = ["manage.py", *args]
    for stream, path in ((sys.stdout, stdout), (sys.stderr, stderr)):
        with open(path, "w") as file:
            os.dup2(file.fileno(), stream.fileno())
    runpy.run_path("manage.py", run_name="__main__")  # exits with the command's own status


def manage(*args, env, cwd=ROOT, timeout=120) -> subprocess.CompletedProcess:
    """Run `manage.py *args` with the environment `env`; its status, stdout and stderr."""
    with tempfile.TemporaryDirectory() as folder:
        stdout, stderr = Path(folder, "stdout"), Path(folder, "stderr")
        process = _forks.Process(target=_command, args=(args, env, str(cwd), stdout, stderr))
        process.start()
        process.join(timeout)
        if process.exitcode is None:
            process.kill()
            process.join()
            raise subprocess.TimeoutExpired(["manage.py", *args], timeout)
        return subprocess.CompletedProcess(
            ["manage.py", *args], process.exitcode, stdout.read_text(), stderr.read_text()
        )
