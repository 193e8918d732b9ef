"""Sign in with Slack (OpenID Connect) against the Slack stand-in's real endpoints: the
workspace comes from the verified ID token, and state, PKCE and nonce are all enforced."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta

import pytest

from bot.core.clock import SimulatedClock
from bot.web.oauth.pending import PendingCookies, SignInRefused, start_pending
from bot.web.oauth.platform_user import PlatformUser
from bot.web.oauth.slack import SlackSignIn
from tests.support.slack_standin import SlackStandIn
from tests.support.slack_standin.plugin import SlackStandInFactory
from tests.web.oauth_support import (
    CLIENT_ID,
    CLIENT_SECRET,
    REDIRECT_BASE,
    follow_authorize,
    slack_endpoints,
)

REDIRECT = REDIRECT_BASE + "/slack/callback"


@pytest.fixture
async def slack(
    slack_standin_factory: SlackStandInFactory, clock: SimulatedClock
) -> AsyncIterator[SlackStandIn]:
    async with slack_standin_factory() as standin:
        standin.openid.set_clock(lambda: clock.now().timestamp())
        standin.openid.register_app(CLIENT_ID, CLIENT_SECRET, REDIRECT)
        standin.add_user("U1", "Ada Lovelace", team_id="T1")
        standin.openid.sign_in_as("U1")
        yield standin


async def test_a_slack_user_signs_in_to_the_workspace_named_by_the_id_token(
    slack: SlackStandIn, clock: SimulatedClock
) -> None:
    client = SlackSignIn(slack_endpoints(slack.base_url), clock)
    pending = start_pending("slack", clock.now())
    back = await follow_authorize(client.authorize_url(pending, REDIRECT))
    assert back["state"] == pending.state

    user = await client.identify(back["code"], pending, REDIRECT)

    assert user == PlatformUser("slack", "T1", "U1", "Ada Lovelace", platform_admin=False)
    token_call = slack.calls_to("openid.connect.token")[0]
    assert token_call.params["code_verifier"] == pending.code_verifier
    assert slack.calls_to("openid.connect.userInfo")[0].ok


async def test_a_wrong_pkce_verifier_is_refused(slack: SlackStandIn, clock: SimulatedClock) -> None:
    client = SlackSignIn(slack_endpoints(slack.base_url), clock)
    pending = start_pending("slack", clock.now())
    back = await follow_authorize(client.authorize_url(pending, REDIRECT))
    forged = replace(pending, code_verifier=start_pending("slack", clock.now()).code_verifier)

    with pytest.raises(SignInRefused, match="invalid_code_verifier"):
        await client.identify(back["code"], forged, REDIRECT)
    assert slack.openid.grants.refusals == ["invalid_code_verifier"]


async def test_a_code_works_once(slack: SlackStandIn, clock: SimulatedClock) -> None:
    client = SlackSignIn(slack_endpoints(slack.base_url), clock)
    pending = start_pending("slack", clock.now())
    back = await follow_authorize(client.authorize_url(pending, REDIRECT))
    await client.identify(back["code"], pending, REDIRECT)

    with pytest.raises(SignInRefused, match="invalid_code"):
        await client.identify(back["code"], pending, REDIRECT)


async def test_a_wrong_client_secret_is_refused(slack: SlackStandIn, clock: SimulatedClock) -> None:
    client = SlackSignIn(slack_endpoints(slack.base_url, secret="not-it"), clock)
    pending = start_pending("slack", clock.now())
    back = await follow_authorize(client.authorize_url(pending, REDIRECT))

    with pytest.raises(SignInRefused, match="bad_client_secret"):
        await client.identify(back["code"], pending, REDIRECT)


async def test_an_id_token_minted_for_another_sign_in_is_refused(
    slack: SlackStandIn, clock: SimulatedClock
) -> None:
    """The nonce ties the ID token to this browser's sign-in: a token from another
    sign-in (another nonce) does not count, though its code and verifier match."""
    client = SlackSignIn(slack_endpoints(slack.base_url), clock)
    pending = start_pending("slack", clock.now())
    back = await follow_authorize(client.authorize_url(pending, REDIRECT))
    other_nonce = replace(pending, nonce="another-sign-in")

    with pytest.raises(SignInRefused, match="token did not check out"):
        await client.identify(back["code"], other_nonce, REDIRECT)


async def test_an_expired_id_token_is_refused(slack: SlackStandIn, clock: SimulatedClock) -> None:
    """Slack's clock and ours disagree by hours: the ID token has expired by ours."""
    client = SlackSignIn(slack_endpoints(slack.base_url), clock)
    pending = start_pending("slack", clock.now())
    back = await follow_authorize(client.authorize_url(pending, REDIRECT))
    slack_time = clock.now().timestamp()
    slack.openid.set_clock(lambda: slack_time)
    clock.advance(timedelta(hours=2))

    with pytest.raises(SignInRefused, match="token did not check out"):
        await client.identify(back["code"], pending, REDIRECT)


def test_the_state_cookie_refuses_another_browsers_state(clock: SimulatedClock) -> None:
    cookies = PendingCookies("secret")
    pending = start_pending("slack", clock.now())
    value = cookies.dump(pending)

    assert cookies.check(value, provider="slack", state=pending.state, now=clock.now()) == pending
    with pytest.raises(SignInRefused, match="does not match"):
        cookies.check(value, provider="slack", state="someone-elses", now=clock.now())
    with pytest.raises(SignInRefused, match="not started in this browser"):
        cookies.check(None, provider="slack", state=pending.state, now=clock.now())
    with pytest.raises(SignInRefused, match="another platform"):
        cookies.check(value, provider="discord", state=pending.state, now=clock.now())
    with pytest.raises(SignInRefused, match="could not be checked"):
        PendingCookies("other").check(value, provider="slack", state=pending.state, now=clock.now())
    clock.advance(timedelta(minutes=11))
    with pytest.raises(SignInRefused, match="longer than 10 minutes"):
        cookies.check(value, provider="slack", state=pending.state, now=clock.now())
