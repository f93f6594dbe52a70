"""Run dbt from Python the way the README does: from the project root, with the
project's profiles, anonymous telemetry off, and vars passed as JSON."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from rectools.contract import PROJECT_ROOT

QUIET_ENV = {
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    "DO_NOT_TRACK": "1",
    "SPARK_LOCAL_IP": "127.0.0.1",
}


def dbt_executable() -> str:
    """The dbt of the interpreter running us (the project's venv)."""
    candidate = Path(sys.executable).with_name("dbt")
    return str(candidate) if candidate.exists() else "dbt"


def dbt_env(duckdb_path: str | os.PathLike | None = None, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(QUIET_ENV)
    if duckdb_path is not None:
        env["DBT_DUCKDB_PATH"] = str(duckdb_path)
    env.update(extra)
    return env


def run_dbt(
    args: list[str],
    *,
    dbt_vars: dict | None = None,
    target: str | None = None,
    duckdb_path: str | os.PathLike | None = None,
    env: dict[str, str] | None = None,
    capture: bool = True,
) -> subprocess.CompletedProcess:
    """Run one dbt command; never raises on a dbt failure (look at returncode)."""
    command = [dbt_executable(), *args, "--profiles-dir", str(PROJECT_ROOT / "profiles")]
    if target:
        command += ["--target", target]
    if dbt_vars:
        command += ["--vars", json.dumps(dbt_vars)]
    return subprocess.run(
        command,
        cwd=PROJECT_ROOT,
        env={**dbt_env(duckdb_path), **(env or {})},
        text=True,
        capture_output=capture,
        check=False,
    )
