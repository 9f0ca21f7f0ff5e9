"""Prometheus and the exporters beside it (Debian's packages), for `make cluster` and the metrics
bench: Prometheus scrapes the app servers (each gunicorn master answers on METRICS_PORT), Varnish
(prometheus-varnish-exporter reads varnishstat), PostgreSQL and Redis, and evaluates the alerting
rules in deploy/prometheus/alerts.yml. Everything listens on loopback only.
"""

import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

RULES = Path(__file__).resolve().parent / "prometheus" / "alerts.yml"
POSTGRES_QUERIES = RULES.with_name("postgres-queries.yml")
PROGRAMS = {
    "prometheus": "prometheus",
    "varnish": "prometheus-varnish-exporter",
    "postgres": "prometheus-postgres-exporter",
    "redis": "prometheus-redis-exporter",
}
SCRAPE_SECONDS = 5


def available() -> bool:
    return all(shutil.which(program) for program in PROGRAMS.values())


def config(targets: dict[str, list[str]]) -> dict:
    """prometheus.yml (JSON is YAML): one job per kind of target."""
    return {
        "global": {"scrape_interval": f"{SCRAPE_SECONDS}s", "evaluation_interval": "15s"},
        "rule_files": [str(RULES)],
        "scrape_configs": [
            {"job_name": job, "static_configs": [{"targets": addresses}]}
            for job, addresses in targets.items()
        ],
    }


class Monitoring:
    """Prometheus on `port` and the exporters asked for; stop() ends them all."""

    def __init__(self, port: int, workdir: Path | None = None):
        self.port, self.url = port, f"http://127.0.0.1:{port}"
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix="newsportal-prometheus-"))
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.processes: list[subprocess.Popen] = []
        self.targets: dict[str, list[str]] = {}

    def _run(self, job: str, address: str, command: list[str], env=None) -> None:
        log = open(self.workdir / f"{job}.log", "ab")  # noqa: SIM115 (the process keeps it)
        self.processes.append(subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})},
        ))  # fmt: skip
        self.targets.setdefault(job, []).append(address)

    def app_servers(self, addresses: list[str]) -> None:
        self.targets["newsportal"] = list(addresses)

    def varnish(self, name: str, port: int) -> None:
        address = f"127.0.0.1:{port}"
        self._run("varnish", address, [PROGRAMS["varnish"], "-n", str(name),
                                       "-web.listen-address", address])  # fmt: skip

    def postgres(self, database_url: str, port: int) -> None:
        address = f"127.0.0.1:{port}"
        parts = urllib.parse.urlsplit(database_url)
        query = dict(urllib.parse.parse_qsl(parts.query))
        query.setdefault("sslmode", "disable")
        # One server each: the exporter's driver takes no list of hosts (make cluster's primary
        # URL names the replica as a second choice, for failover).
        query.pop("target_session_attrs", None)
        if "host" in query:
            query["host"] = query["host"].split(",")[0]
        source = urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))
        # Through the environment: the password never shows in `ps`.
        self._run("postgres", address,
                  [PROGRAMS["postgres"], f"--web.listen-address={address}",
                   # Its bgwriter queries name columns PostgreSQL 17 moved.
                   "--no-collector.bgwriter", f"--extend.query-path={POSTGRES_QUERIES}"],
                  env={"DATA_SOURCE_NAME": source})  # fmt: skip

    def redis(self, redis_url: str, port: int) -> None:
        address = f"127.0.0.1:{port}"
        parts = urllib.parse.urlsplit(redis_url)
        self._run("redis", address,
                  [PROGRAMS["redis"], "-redis.addr", f"redis://{parts.hostname}:{parts.port}",
                   "-web.listen-address", address],
                  env={"REDIS_PASSWORD": parts.password or ""})  # fmt: skip

    def start(self) -> None:
        """Prometheus itself, once the targets are named."""
        path = self.workdir / "prometheus.yml"
        path.write_text(json.dumps(config(self.targets), indent=2))
        log = open(self.workdir / "prometheus.log", "ab")  # noqa: SIM115
        self.processes.append(subprocess.Popen(
            [PROGRAMS["prometheus"], f"--config.file={path}",
             f"--storage.tsdb.path={self.workdir / 'data'}",
             f"--web.listen-address=127.0.0.1:{self.port}", "--web.enable-lifecycle"],
            stdout=log, stderr=subprocess.STDOUT,
        ))  # fmt: skip
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{self.url}/-/ready", timeout=1).read()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"Prometheus did not start: see {self.workdir / 'prometheus.log'}")

    def api(self, path: str, **params) -> dict:
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        with urllib.request.urlopen(f"{self.url}/api/v1/{path}{query}", timeout=10) as answer:
            return json.load(answer)["data"]

    def target_health(self) -> dict[str, str]:
        """{job/address: up|down|unknown} of every target."""
        return {
            f"{t['labels']['job']}/{t['labels']['instance']}": t["health"]
            for t in self.api("targets")["activeTargets"]
        }

    def wait_until_up(self, seconds: float = 60) -> dict[str, str]:
        health = {}
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            health = self.target_health()
            if health and all(state == "up" for state in health.values()):
                break
            time.sleep(1)
        return health

    def query(self, expression: str, at: float | None = None) -> float | None:
        params = {"query": expression, **({"time": at} if at else {})}
        result = self.api("query", **params)["result"]
        return float(result[0]["value"][1]) if result else None

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
