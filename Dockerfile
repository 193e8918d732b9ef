# pln-bot container image (docs/OPERATIONS.md). Built from this checkout:
#
#   docker build -t pln-bot .
#   docker compose up -d                                          # bot + PostgreSQL (compose.yaml)
#   docker run --rm -it -v pln-data:/app/data pln-bot             # console adapter, SQLite
#   docker run --rm pln-bot pln-bot db upgrade                    # any other pln-bot command
#
# Settings come from the environment (see config/pln-bot.example.env); --env-file works.
# tests/e2e/test_container_steps.py rehearses this file's steps without a container engine
# (none can be installed where the tests run): the package built from the checkout, installed
# into a fresh virtualenv as a non-root user, started, and asked `pln-bot healthcheck`.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Build and install from a scratch directory, so the installed package is the only copy.
# README.md is needed: pyproject.toml names it as the package's long description.
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
RUN pip install . \
    && rm -rf /src

# A non-root user owns the data directory; the volume below inherits that ownership.
RUN groupadd --system pln \
    && useradd --system --gid pln --home-dir /app --no-create-home --shell /usr/sbin/nologin pln \
    && mkdir -p /app/data /app/config \
    && chown -R pln:pln /app

WORKDIR /app
# Examples only; mount a real config/pln-bot.toml here, or (simpler) use environment variables.
COPY config/pln-bot.example.env config/pln-bot.toml.example ./config/

# Four slashes: an absolute path. Override with postgresql://user:password@host:5432/db.
# PLN_HTTP_PORT: every adapter serves GET /healthz and GET /metrics there (Slack's HTTP mode
# also POST /slack/events). Logs are JSON lines (stderr is not a terminal in a container).
ENV DATABASE_URL=sqlite:////app/data/pln-bot.db \
    PLN_DATA_DIR=/app/data \
    PLN_HTTP_PORT=3000 \
    PLN_LOG_FORMAT=json

USER pln
VOLUME /app/data
EXPOSE 3000

# 200 from /healthz: the database answers and the scheduler is alive (catching up counts).
# start-period: `pln-bot run` migrates the database before it listens.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["pln-bot", "healthcheck"]

# `pln-bot run` applies pending migrations before it starts. The console adapter reads the
# terminal, so run it with -it (docker run) or stdin_open/tty (compose). For Slack:
# docker run -e SLACK_BOT_TOKEN=... -e SLACK_SIGNING_SECRET=... -p 3000:3000 IMAGE \
#   pln-bot run --adapter slack
CMD ["pln-bot", "run", "--adapter", "console"]
