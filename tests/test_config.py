"""Settings from the environment."""

from __future__ import annotations

from lms import config


def test_default_database_is_sqlite_in_the_instance_folder(tmp_path) -> None:
    assert config.database_url(None, str(tmp_path)) == f"sqlite:///{tmp_path}/lms.sqlite3"


def test_postgres_urls_use_psycopg_3() -> None:
    assert config.database_url("postgres://u@h/db", "") == "postgresql+psycopg://u@h/db"
    assert config.database_url("postgresql://u@h/db", "") == "postgresql+psycopg://u@h/db"
    url = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    assert config.database_url(url, "") == url


def test_secret_key_is_generated_once_and_kept(tmp_path) -> None:
    first = config.secret_key(None, str(tmp_path))
    assert len(first) >= 64
    assert config.secret_key(None, str(tmp_path)) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert config.secret_key("given", str(tmp_path)) == "given"


def test_timezone_defaults_to_shanghai(tmp_path) -> None:
    settings = config.load(str(tmp_path), {"SECRET_KEY": "x"})
    assert settings["LMS_TIMEZONE"] == "Asia/Shanghai"
    assert (
        config.load(str(tmp_path), {"SECRET_KEY": "x", "LMS_TIMEZONE": "UTC"})["LMS_TIMEZONE"]
        == "UTC"
    )
