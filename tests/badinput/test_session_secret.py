"""No secret everybody knows (issue 14 §7, first part).

``make run`` (APP_ENV=development) accepted the shipped placeholder ``SESSION_SECRET``, which signs the
workbench's session cookies and the litigants' complaint download links: anybody could sign both. Left unset in
development, the secret is now generated once per installation and kept in ``SESSION_SECRET_FILE``.
"""

from __future__ import annotations

import os
import stat
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from core.settings import PLACEHOLDER, Settings, installation_secret


def test_the_development_secret_is_generated_once_per_installation(tmp_path: Path) -> None:
    path = tmp_path / "var" / "session_secret"
    first = Settings(app_env="development", session_secret_file=path)
    assert first.session_secret != PLACEHOLDER and len(first.session_secret) >= 43
    assert path.read_text(encoding="utf-8").strip() == first.session_secret
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert Settings(app_env="development", session_secret_file=path).session_secret == first.session_secret
    other = Settings(app_env="development", session_secret_file=tmp_path / "elsewhere" / "session_secret")
    assert other.session_secret != first.session_secret  # another installation, another secret
    # a secret that is set is used as it is
    assert Settings(app_env="development", session_secret="mine", session_secret_file=path).session_secret == "mine"


def test_concurrent_first_runs_agree_on_one_secret(tmp_path: Path) -> None:
    path = tmp_path / "var" / "session_secret"
    with ThreadPoolExecutor(8) as pool:
        values = set(pool.map(lambda _: installation_secret(path), range(16)))
    assert len(values) == 1
    assert sorted(p.name for p in path.parent.iterdir()) == ["session_secret"]  # no temporary file left
