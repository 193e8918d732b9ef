"""Slack adapter: slack-bolt over HTTP or Socket Mode."""
