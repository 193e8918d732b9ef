"""The moderators' pages: overview, calendar, discussions, check-ins, audit log, settings."""
