"""Settings: placeholders refused outside development, and the README documents every field."""

from __future__ import annotations

import re

import pytest
from pydantic import ValidationError

from core.settings import REPO_ROOT, Settings


def test_development_accepts_shipped_defaults() -> None:
    assert Settings(app_env="development").wechat_token == "change-me"


def test_production_refuses_placeholders() -> None:
    with pytest.raises(ValidationError, match="WECHAT_TOKEN"):
        Settings(app_env="production")


def test_production_with_real_values_starts() -> None:
    from cryptography.fernet import Fernet

    s = Settings(
        app_env="production",
        wechat_token="t0ken",
        wechat_appsecret="s3cret",
        wechat_encoding_aes_key="A" * 43,
        session_secret="x" * 32,
        pii_key=Fernet.generate_key().decode(),
    )
    assert s.app_env == "production"


def test_production_refuses_a_malformed_aes_key() -> None:
    from cryptography.fernet import Fernet

    with pytest.raises(ValidationError, match="43"):
        Settings(
            app_env="production",
            wechat_token="t",
            wechat_appsecret="s",
            wechat_encoding_aes_key="short",
            session_secret="x",
            pii_key=Fernet.generate_key().decode(),
        )


def test_readme_documents_every_setting() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", readme))
    missing = [name.upper() for name in Settings.model_fields if name.upper() not in documented]
    assert not missing, f"README's settings table lacks: {missing}"
