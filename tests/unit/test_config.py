"""Settings: defaults, sources and precedence, normalisation, and one-line errors."""

from __future__ import annotations

import os
from datetime import time, timedelta
from pathlib import Path

import pytest

from bot.config import ENV_VAR_NAMES, Settings, SettingsError, config_path, load_settings


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Isolate from the developer's shell and any real config/pln-bot.toml."""
    for name in list(os.environ):
        if name.upper() == "DATABASE_URL" or name.upper().startswith("PLN_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write_toml(directory: Path, text: str) -> Path:
    path = directory / "config" / "pln-bot.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def error_for(**overrides: object) -> str:
    with pytest.raises(SettingsError) as caught:
        load_settings(**overrides)
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_env_var_names_cover_every_field() -> None:
    assert set(ENV_VAR_NAMES) == set(Settings.model_fields)


def test_defaults() -> None:
    settings = load_settings()
    assert settings.database_url == "sqlite+aiosqlite:///./data/pln-bot.db"
    assert settings.moderators == frozenset()
    assert settings.prompt_day == "mon"
    assert settings.prompt_time == time(9, 0)
    assert settings.default_timezone == "UTC"
    assert settings.catch_up_grace == timedelta(hours=12)
    assert settings.log_level == "INFO"
    assert settings.data_dir == Path("data")
    assert settings.sqlite_path == Path("data/pln-bot.db")
    assert settings.describe_database() == "SQLite at ./data/pln-bot.db"


def test_env_overrides_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "sqlite:////var/lib/pln/bot.db")
    monkeypatch.setenv("PLN_MODERATORS", "console:mod")
    monkeypatch.setenv("PLN_PROMPT_DAY", "Wednesday")
    monkeypatch.setenv("PLN_PROMPT_TIME", "16:45")
    monkeypatch.setenv("PLN_DEFAULT_TIMEZONE", "America/Chicago")
    monkeypatch.setenv("PLN_CATCH_UP_GRACE", "2h30m")
    monkeypatch.setenv("PLN_LOG_LEVEL", "debug")
    monkeypatch.setenv("PLN_DATA_DIR", "/srv/pln")
    settings = load_settings()
    assert settings.database_url == "sqlite+aiosqlite:////var/lib/pln/bot.db"
    assert settings.sqlite_path == Path("/var/lib/pln/bot.db")
    assert settings.moderators == frozenset({"console:local/mod"})
    assert settings.prompt_day == "wed"
    assert settings.prompt_time == time(16, 45)
    assert settings.default_timezone == "America/Chicago"
    assert settings.timezone.key == "America/Chicago"
    assert settings.catch_up_grace == timedelta(hours=2, minutes=30)
    assert settings.log_level == "DEBUG"
    assert settings.data_dir == Path("/srv/pln")


def test_env_names_are_case_insensitive(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("pln_prompt_day", "fri")
    assert load_settings().prompt_day == "fri"


def test_empty_env_var_means_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLN_PROMPT_TIME", "")
    assert load_settings().prompt_time == time(9, 0)


def test_unknown_env_vars_are_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLN_NOT_A_SETTING", "x")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "x")
    assert load_settings().prompt_day == "mon"


def test_toml_file_in_working_directory(clean_env: Path) -> None:
    write_toml(
        clean_env,
        """
        database_url = "postgres://pln@db.internal/pln"
        moderators = ["slack:T0123/U0123", "discord:8910/4567"]
        prompt_day = "tue"
        prompt_time = "07:30"
        default_timezone = "Europe/London"
        catch_up_grace = "90m"
        log_level = "warning"
        data_dir = "/srv/pln-data"
        """.replace("\n        ", "\n"),
    )
    settings = load_settings()
    assert settings.database_url == "postgresql+asyncpg://pln@db.internal/pln"
    assert settings.moderators == frozenset({"slack:T0123/U0123", "discord:8910/4567"})
    assert settings.prompt_day == "tue"
    assert settings.prompt_time == time(7, 30)
    assert settings.default_timezone == "Europe/London"
    assert settings.catch_up_grace == timedelta(minutes=90)
    assert settings.log_level == "WARNING"
    assert settings.data_dir == Path("/srv/pln-data")


def test_toml_native_time_is_accepted(clean_env: Path) -> None:
    write_toml(clean_env, "prompt_time = 08:15:00\n")
    assert load_settings().prompt_time == time(8, 15)


def test_toml_path_from_pln_config(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    elsewhere = clean_env / "elsewhere.toml"
    elsewhere.write_text('prompt_day = "sun"\n', encoding="utf-8")
    write_toml(clean_env, 'prompt_day = "sat"\n')
    monkeypatch.setenv("PLN_CONFIG", str(elsewhere))
    assert config_path() == elsewhere
    assert load_settings().prompt_day == "sun"


def test_config_file_argument_beats_pln_config(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chosen = clean_env / "chosen.toml"
    chosen.write_text('prompt_day = "thu"\n', encoding="utf-8")
    monkeypatch.setenv("PLN_CONFIG", str(clean_env / "other.toml"))
    assert load_settings(config_file=chosen).prompt_day == "thu"
    assert config_path() == clean_env / "other.toml"  # the override does not linger


def test_missing_toml_file_is_fine(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLN_CONFIG", str(clean_env / "absent.toml"))
    assert load_settings().prompt_day == "mon"


def test_env_beats_toml(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_toml(clean_env, 'prompt_day = "tue"\ndatabase_url = "sqlite:///from-file.db"\n')
    monkeypatch.setenv("PLN_PROMPT_DAY", "thu")
    monkeypatch.setenv("DATABASE_URL", "sqlite:///from-env.db")
    settings = load_settings()
    assert settings.prompt_day == "thu"
    assert settings.database_url == "sqlite+aiosqlite:///from-env.db"


def test_overrides_beat_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLN_PROMPT_DAY", "thu")
    assert load_settings(prompt_day="sat").prompt_day == "sat"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("sqlite:///x.db", "sqlite+aiosqlite:///x.db"),
        ("sqlite+aiosqlite:///x.db", "sqlite+aiosqlite:///x.db"),
        ("SQLite:///x.db", "sqlite+aiosqlite:///x.db"),
        ("postgres://u:p@h/db", "postgresql+asyncpg://u:p@h/db"),
        ("postgresql://u:p@h:5433/db", "postgresql+asyncpg://u:p@h:5433/db"),
        ("postgresql+asyncpg://u@h/db", "postgresql+asyncpg://u@h/db"),
    ],
)
def test_database_url_normalisation(given: str, expected: str) -> None:
    assert load_settings(database_url=given).database_url == expected


def test_sqlite_in_memory_has_no_path() -> None:
    settings = load_settings(database_url="sqlite://")
    assert settings.sqlite_path is None
    assert settings.describe_database() == "SQLite in memory"


def test_describe_postgres_hides_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://pln:s3cret-pw@db.example.org/pln")
    settings = load_settings()
    assert settings.sqlite_path is None
    assert settings.describe_database() == "PostgreSQL at db.example.org:5432/pln"
    assert "s3cret-pw" not in repr(settings)
    assert "s3cret-pw" not in str(settings)


def test_bad_database_scheme_does_not_echo_password() -> None:
    message = error_for(database_url="mysql://root:hunter2@db/pln")
    assert message.startswith("DATABASE_URL: ")
    assert "'mysql'" in message
    assert "hunter2" not in message


def test_moderators_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "PLN_MODERATORS", " console:mod, Slack:T0123/U0123 ,discord:8910/4567,, console:local/bo"
    )
    assert load_settings().moderators == frozenset(
        {"console:local/mod", "slack:T0123/U0123", "discord:8910/4567", "console:local/bo"}
    )


def test_moderators_bad_entries_are_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLN_MODERATORS", "console:mod,U0123,teams:G/42")
    message = error_for()
    assert message.startswith("PLN_MODERATORS: ")
    assert "'U0123'" in message
    assert "'teams:G/42'" in message
    assert "console:mod" not in message


@pytest.mark.parametrize(
    ("entry", "scoped"),
    [("discord:42", "discord:<guild id>/42"), ("slack:U0123", "slack:<team id>/U0123")],
)
def test_an_unscoped_slack_or_discord_moderator_is_refused_with_the_scoped_form(
    monkeypatch: pytest.MonkeyPatch, entry: str, scoped: str
) -> None:
    """`discord:42` would make 42 a moderator in every guild the bot is in (issue 13)."""
    monkeypatch.setenv("PLN_MODERATORS", f"console:mod,{entry}")
    message = error_for()
    assert "\n" not in message
    assert message.startswith("PLN_MODERATORS: ")
    assert f"'{entry}' would apply in every " in message
    assert f"write {scoped} " in message
    assert "console:<name>" in message  # the one shorthand still allowed is named


def test_a_scoped_moderator_and_the_console_shorthand_are_accepted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PLN_MODERATORS", "discord:G1/42,slack:T0123/U0456,console:alice")
    assert load_settings().moderators == frozenset(
        {"discord:G1/42", "slack:T0123/U0456", "console:local/alice"}
    )


def test_a_console_moderator_of_another_console_community_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PLN_MODERATORS", "console:elsewhere/alice")
    message = error_for()
    assert message.startswith("PLN_MODERATORS: ")
    assert "write console:alice" in message


@pytest.mark.parametrize(
    ("env", "value", "expected"),
    [
        (
            "PLN_PROMPT_TIME",
            "25:00",
            "PLN_PROMPT_TIME: expected a 24-hour time like 09:00, got '25:00'",
        ),
        ("PLN_PROMPT_TIME", "9am", "PLN_PROMPT_TIME: "),
        ("PLN_PROMPT_DAY", "someday", "PLN_PROMPT_DAY: "),
        ("PLN_DEFAULT_TIMEZONE", "Mars/Olympus_Mons", "PLN_DEFAULT_TIMEZONE: "),
        ("PLN_DEFAULT_TIMEZONE", "America", "PLN_DEFAULT_TIMEZONE: "),
        ("PLN_CATCH_UP_GRACE", "soon", "PLN_CATCH_UP_GRACE: "),
        ("PLN_CATCH_UP_GRACE", "8d", "PLN_CATCH_UP_GRACE: must be between 0 and 7 days"),
        ("PLN_CATCH_UP_GRACE", "-1h", "PLN_CATCH_UP_GRACE: must be between 0 and 7 days"),
        ("PLN_LOG_LEVEL", "loud", "PLN_LOG_LEVEL: "),
        ("DATABASE_URL", "not a url", "DATABASE_URL: "),
        ("PLN_MODERATORS", "nobody", "PLN_MODERATORS: "),
        ("PLN_LLM_URL", "ftp://models.example", "PLN_LLM_URL: "),
        ("PLN_LLM_TIMEOUT", "0", "PLN_LLM_TIMEOUT: "),
        ("PLN_LLM_TIMEOUT", "600", "PLN_LLM_TIMEOUT: "),
    ],
)
def test_each_bad_setting_is_one_line_naming_env_var(
    monkeypatch: pytest.MonkeyPatch, env: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(env, value)
    assert error_for().startswith(expected)


def test_llm_settings_are_off_by_default_and_the_key_stays_secret(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert load_settings().llm_url is None
    monkeypatch.setenv("PLN_LLM_URL", "http://127.0.0.1:8000/v1")
    monkeypatch.setenv("PLN_LLM_API_KEY", "sk-very-secret")
    settings = load_settings()
    assert settings.llm_url == "http://127.0.0.1:8000/v1"
    assert "sk-very-secret" not in repr(settings)


def test_catch_up_grace_bounds_are_inclusive() -> None:
    assert load_settings(catch_up_grace="0").catch_up_grace == timedelta(0)
    assert load_settings(catch_up_grace="7d").catch_up_grace == timedelta(days=7)


def test_several_errors_share_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLN_PROMPT_TIME", "25:00")
    monkeypatch.setenv("PLN_LOG_LEVEL", "loud")
    message = error_for()
    assert "PLN_PROMPT_TIME: " in message
    assert "; PLN_LOG_LEVEL: " in message


def test_bad_toml_value_names_env_var_and_file(clean_env: Path) -> None:
    path = write_toml(clean_env, 'prompt_time = "25:00"\n')
    message = error_for()
    assert message.startswith(f"PLN_PROMPT_TIME (prompt_time in {path.relative_to(clean_env)}): ")


def test_unknown_toml_key_is_reported(clean_env: Path) -> None:
    write_toml(clean_env, 'prompt_tme = "10:00"\n')
    assert error_for().startswith("prompt_tme: not a known setting in config/pln-bot.toml")


def test_invalid_toml_is_one_line(clean_env: Path) -> None:
    write_toml(clean_env, 'prompt_time = "09:00\nlog_level = \n')
    assert error_for().startswith("PLN_CONFIG: config/pln-bot.toml is not valid TOML: ")
