"""Signing in to the web page with Slack (OpenID Connect) or Discord (OAuth2).

Both flows are the authorization-code grant with `state` and PKCE (S256): `pending` keeps
what a browser must bring back (in a signed, short-lived cookie), `slack` and `discord`
talk to the platforms (endpoints from SLACK_API_URL / DISCORD_API_URL, so tests use the
stand-ins), and `routes` turns a signed-in platform user into a web session.
"""
