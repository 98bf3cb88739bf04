"""A throwaway PostgreSQL cluster for the tests: ``initdb`` into a temporary folder, a unix
socket in that folder (no TCP port), ``pg_ctl start``; stopped and removed afterwards.

Standard library only, so ``.ci/run`` uses it before the venv exists:
``python3 tests/pg_cluster.py start DIR`` prints the URL, ``... stop DIR`` removes it.
As root (CI, this machine) the server runs as ``nobody``: PostgreSQL refuses to run as root.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

SUPERUSER = "salesdesk"
DATABASE = "salesdesk"


def pg_bin(name: str) -> str | None:
    """A PostgreSQL program: on PATH, else in Debian's versioned folder (newest first)."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                        key=lambda p: int(Path(p).parts[4]) if Path(p).parts[4].isdigit() else 0)
    return candidates[-1] if candidates else None


def _as_server_user(cmd: list[str]) -> list[str]:
    """``cmd`` run as an unprivileged user when we are root."""
    if os.geteuid() != 0:
        return cmd
    runuser = shutil.which("runuser") or "/usr/sbin/runuser"
    return [runuser, "-u", "nobody", "--", *cmd]


def url_for(folder: Path, database: str = DATABASE) -> str:
    """The libpq URL of the cluster in ``folder`` (socket ``folder/sock``)."""
    return f"postgresql://{SUPERUSER}@/{database}?host={folder / 'sock'}"


def start(folder: Path | None = None) -> tuple[Path, str]:
    """Create and start a cluster; (its folder, the URL of its ``salesdesk`` database)."""
    initdb, pg_ctl = pg_bin("initdb"), pg_bin("pg_ctl")
    if initdb is None or pg_ctl is None:
        raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql)")
    folder = Path(folder or tempfile.mkdtemp(prefix="salesdesk-pg-"))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sock").mkdir(exist_ok=True)
    if os.geteuid() == 0:
        nobody = pwd.getpwnam("nobody")
        for path in (folder, folder / "sock"):
            os.chown(path, nobody.pw_uid, nobody.pw_gid)
    data = folder / "data"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.PIPE, "text": True,
             "cwd": "/"}
    run = subprocess.run(
        _as_server_user([initdb, "-D", str(data), "-U", SUPERUSER, "--auth=trust",
                         "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"]), **quiet)
    if run.returncode:
        raise RuntimeError(f"initdb failed: {run.stderr.strip()}")
    # The test superuser logs in on the socket without a password; every other role (the
    # team's reps) needs its password, so wrong-password and role tests are real.
    (data / "pg_hba.conf").write_text(
        f"local all {SUPERUSER} trust\nlocal all all scram-sha-256\n", encoding="utf-8"
    )
    options = (f"-c listen_addresses='' -c unix_socket_directories='{folder / 'sock'}' "
               "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
               "-c max_connections=200")
    run = subprocess.run(
        _as_server_user([pg_ctl, "-D", str(data), "-l", str(folder / "log"), "-w", "-o",
                         options, "start"]), **quiet)
    if run.returncode:
        logfile = folder / "log"
        log = logfile.read_text(errors="replace")[-800:] if logfile.exists() else ""
        raise RuntimeError(f"pg_ctl start failed: {run.stderr.strip()} {log}")
    psql = pg_bin("psql") or "psql"
    run = subprocess.run([psql, url_for(folder, "postgres"), "-qc",
                          f"CREATE DATABASE {DATABASE}"], **quiet)
    if run.returncode:
        stop(folder)
        raise RuntimeError(f"could not create the test database: {run.stderr.strip()}")
    return folder, url_for(folder)


def stop(folder: Path) -> None:
    """Stop the cluster in ``folder`` (fast shutdown) and remove the folder."""
    pg_ctl = pg_bin("pg_ctl")
    if pg_ctl and (folder / "data" / "postmaster.pid").exists():
        subprocess.run(_as_server_user([pg_ctl, "-D", str(folder / "data"), "-m", "fast",
                                        "-w", "stop"]),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd="/")
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("start", "stop"):
        sys.exit("usage: pg_cluster.py start|stop DIR")
    if sys.argv[1] == "start":
        try:
            print(start(Path(sys.argv[2]))[1])
        except RuntimeError as exc:
            sys.exit(f"pg_cluster: {exc}")
    else:
        stop(Path(sys.argv[2]))
