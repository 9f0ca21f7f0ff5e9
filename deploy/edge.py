"""Run the edge cache (Varnish with deploy/varnish/newsportal.vcl) in front of app servers on this
machine: for `make cluster`, the Varnish tests and the edge benchmarks."""

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

VCL_DIR = Path(__file__).resolve().parent / "varnish"
BACKEND = """backend app{n} {{
    {address}
    .probe = healthz;
}}
"""
LOOPBACK = ["127.0.0.1", "::1"]


def available() -> bool:
    """varnishd with the xkey module (Debian: varnish and varnish-modules)."""
    if not shutil.which("varnishd"):
        return False
    with tempfile.TemporaryDirectory() as directory:
        Path(directory).chmod(0o755)  # the VCL compiler runs as an unprivileged user
        write_backends(Path(directory), [8000])
        result = subprocess.run(
            ["varnishd", "-C", "-f", str(VCL_DIR / "newsportal.vcl"),
             "-p", f"vcl_path={directory}:{VCL_DIR}"],
            capture_output=True,
        )  # fmt: skip
    return result.returncode == 0


def write_backends(directory: Path, backends: list, purgers=LOOPBACK) -> Path:
    """backends.vcl for app servers on these loopback ports or Unix sockets (paths); `purgers`
    may purge over TCP (none: only through a purge socket, see Varnish)."""
    directory.mkdir(parents=True, exist_ok=True)
    lines = [
        BACKEND.format(n=n, address=f'.path = "{to}";' if isinstance(to, (str, Path)) else
                       f'.host = "127.0.0.1";\n    .port = "{to}";')
        for n, to in enumerate(backends, 1)
    ]  # fmt: skip
    lines.append("sub vcl_init {\n    new apps = directors.round_robin();\n")
    lines += [f"    apps.add_backend(app{n});\n" for n in range(1, len(backends) + 1)]
    # An ACL names at least one address: 255.255.255.255 is never a client's.
    allowed = "".join(f'    "{address}";\n' for address in purgers) or '    "255.255.255.255";\n'
    lines.append(f"}}\n\nacl purgers {{\n{allowed}}}\n")
    # No TLS proxy in front on this machine: nobody may claim HTTPS.
    lines.append('\nacl tls_proxies {\n    "255.255.255.255";\n}\n')
    path = directory / "backends.vcl"
    path.write_text("".join(lines))
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# The shared memory log keeps each request's client, method, URL, status, bytes and timings, not
# its headers nor the VCL's steps: fewer records per request (0.77 -> 0.84 of nginx in make bench,
# interleaved runs), and no user agents or referrers kept at the edge. `varnishadm param.set
# vsl_mask +ReqHeader` brings headers back while debugging.
LOG_MASK = (
    "-ReqHeader,-RespHeader,-ReqUnset,-RespUnset,-ObjHeader,-BereqHeader,-BerespHeader,"
    "-BereqUnset,-BerespUnset,-VCL_call,-VCL_return,-Hash,-Link,-Storage"
)


class Varnish:
    """varnishd in the foreground on 127.0.0.1:port, stopped with stop()."""

    def __init__(self, port: int, backend_ports: list, workdir=None, memory="128m", nice=0,
                 purgers=LOOPBACK, purge_socket=None):  # fmt: skip
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        # Readable by the unprivileged user that compiles the VCL (not a 0700 test folder).
        self.own_workdir = workdir is None  # made here: removed on stop()
        workdir = Path(workdir or tempfile.mkdtemp(prefix="newsportal-varnish-"))
        self.workdir = workdir
        workdir.mkdir(parents=True, exist_ok=True)
        workdir.chmod(0o755)
        write_backends(workdir / "vcl", backend_ports, purgers)
        # Purges through a Unix socket only its owner can open (the app servers' user).
        purge_listen = ["-a", f"purge={purge_socket},mode=0600"] if purge_socket else []
        self.logdir = log_directory()
        self.name = self.logdir or workdir / "work"  # varnishd -n, for varnishstat and varnishadm
        prefix = ["nice", "-n", str(nice)] if nice else []
        self.process = subprocess.Popen(
            [*prefix, "varnishd", "-F", "-a", f"127.0.0.1:{port}", *purge_listen,
             "-f", str(VCL_DIR / "newsportal.vcl"),
             "-p", f"vcl_path={workdir / 'vcl'}:{VCL_DIR}",
             "-n", str(self.name),
             "-s", f"malloc,{memory}", "-p", "feature=+http2", "-p", f"vsl_mask={LOG_MASK}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"varnishd stopped: {self.process.stderr.read().decode()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("varnishd did not start")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        # Its cache process may still be writing there for a moment after the manager exits.
        folders = [self.logdir.parent if self.logdir else Path(self.name)]  # varnishd -n
        folders += [self.workdir] if self.own_workdir else []
        for _ in range(20):
            for folder in folders:
                shutil.rmtree(folder, ignore_errors=True)
            if not any(folder.exists() for folder in folders):
                break
            time.sleep(0.1)


def log_directory() -> Path | None:
    """varnishd's working directory in memory (/dev/shm) where there is one, as the Varnish
    packages do with /var/lib/varnish: it holds the shared memory log, which varnishd rewrites
    all the time (80 MB); on a disk, writing it back stalled PostgreSQL's commits on this machine
    for seconds under load. None elsewhere (macOS): the working folder is used."""
    shm = Path("/dev/shm")
    if not (shm.is_dir() and os.access(shm, os.W_OK)):
        return None
    folder = Path(tempfile.mkdtemp(prefix="newsportal-varnish-", dir=shm))
    folder.chmod(0o755)
    return folder / "work"
