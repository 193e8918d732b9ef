"""Sharing an answer with the PLN: private by default, posted with the author's name only when
they ask, taken down when they unshare, and never posted twice.

Every test runs on a real SQLite file and on the real PostgreSQL server (the `db` fixture);
the channel is RecordingMessenger's record of what the platform would show.
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.adapters.slack.render import message_payload
from bot.core import commands as cmd
from bot.core import sharing
from bot.core.actions import answer_number, answer_value
from bot.core.messages import OutgoingMessage
from bot.core.runner import Runner
from bot.core.service import PlnCore
from bot.core.sharing import SHARE_ACTION, UNSHARE_ACTION
from bot.store.database import Database
from bot.store.models import Answer, AnswerShare, Delivery
from tests.support.actors import member
from tests.support.messenger import RecordingMessenger


def _number(value: str) -> int:
    """The member's answer number a button carries (`n3`)."""
    found = answer_number(value)
    assert found is not None, value
    return found


ALICE = member("alice")
BOB = member("bob")
MODERATOR = dataclasses.replace(member("mod"), channel_id="C-PLN")  # console:mod moderates

ALICE_SHARED = "Our Quokkaville device rollout finally reached every classroom."
ALICE_PRIVATE = "Privately: the Zygomorphic vendor contract worries me a lot."
BOB_PRIVATE = "Bob's Xylophagous budget note stays between me and the bot."


async def texts(replies: object) -> str:
    result = await replies  # type: ignore[misc]
    return "\n".join(message.text for message in result)


async def everyone_joins(core: PlnCore, *, channel: bool = True) -> None:
    for actor in (ALICE, BOB, MODERATOR):
        await core.handle_command(actor, "join")
    if channel:
        await core.handle_command(MODERATOR, "channel here")


async def next_week(core: PlnCore) -> None:
    await Runner(core).advance(timedelta(days=7))


async def answer(core: PlnCore, actor: object, text: str) -> int:
    """The actor answers their open prompt; returns the answer id from the Share button."""
    replies = await core.handle_message(actor, text)  # type: ignore[arg-type]
    (saved,) = replies
    (button,) = saved.buttons
    assert button.action_id == SHARE_ACTION
    return _number(button.value)


async def shares(db: Database) -> list[AnswerShare]:
    async def work(session: AsyncSession) -> list[AnswerShare]:
        return list(await session.scalars(select(AnswerShare)))

    return await db.run(work)


async def prompt_of(db: Database, answer_id: int) -> str:
    """The prompt text the answer answered, as the member was asked it."""

    async def work(session: AsyncSession) -> str:
        text = await session.scalar(
            select(Delivery.prompt_text)
            .join(Answer, Answer.delivery_id == Delivery.id)
            .where(Answer.id == answer_id)
        )
        assert text is not None
        return text

    return await db.run(work)


def channel_text(messenger: RecordingMessenger, *, visible_only: bool = True) -> str:
    posts = messenger.visible_channel_posts() if visible_only else messenger.channel_posts
    return "\n".join(rendered(post.message) for post in posts)


def rendered(message: OutgoingMessage) -> str:
    parts = [message.text, message.heading or ""]
    parts += [f"{s.heading or ''} {s.body}" for s in message.sections]
    return "\n".join(parts)


# --- the button and the post ---------------------------------------------------------------------


async def test_the_first_message_of_an_answer_offers_to_share_it_and_later_ones_do_not(
    core: PlnCore,
) -> None:
    await everyone_joins(core)
    await next_week(core)

    (saved,) = await core.handle_message(ALICE, ALICE_SHARED)
    (added,) = await core.handle_message(ALICE, "And one more thought.")

    (button,) = saved.buttons
    assert (button.label, button.action_id) == ("Share with the PLN", SHARE_ACTION)
    assert saved.text.startswith("Saved as your answer")
    assert f"/pln share #{_number(button.value)}" in saved.text
    assert added.text.startswith("Added to your answer") and added.buttons == ()
    assert await shares(core.db) == [], "nothing is shared until the member asks"


async def test_sharing_posts_the_name_prompt_and_answer_in_the_pln_channel(
    core: PlnCore, messenger: RecordingMessenger, db: Database
) -> None:
    await everyone_joins(core)
    await next_week(core)
    answer_id = await answer(core, ALICE, ALICE_SHARED)
    await core.handle_message(ALICE, "Next step: thank the technicians.")

    (reply,) = await core.handle_action(ALICE, SHARE_ACTION, answer_value(answer_id))

    assert reply.text.startswith(f"Shared answer #{answer_id}")
    assert [b.action_id for b in reply.buttons] == [UNSHARE_ACTION]
    (post,) = messenger.channel_posts
    assert (post.community_external_id, post.channel_id) == ("local", "C-PLN")
    shown = rendered(post.message)
    assert "alice" in (post.message.heading or "")
    assert ALICE_SHARED in shown and "Next step: thank the technicians." in shown
    assert await prompt_of(db, answer_id) in shown
    assert post.message.private is False
    (row,) = await shares(db)
    assert (row.answer_id, row.status, row.platform_message_ref) == (answer_id, "posted", post.ref)


async def test_without_a_pln_channel_sharing_explains_that_a_moderator_chooses_one(
    core: PlnCore, messenger: RecordingMessenger, db: Database
) -> None:
    await everyone_joins(core, channel=False)
    await next_week(core)
    answer_id = await answer(core, ALICE, ALICE_SHARED)

    reply = await texts(core.handle_command(ALICE, f"share #{answer_id}"))

    assert "moderator" in reply and "/pln channel here" in reply
    assert messenger.channel_posts == [] and await shares(db) == []


async def test_a_double_press_posts_once(
    core: PlnCore, messenger: RecordingMessenger, db: Database
) -> None:
    await everyone_joins(core)
    await next_week(core)
    answer_id = await answer(core, ALICE, ALICE_SHARED)

    together = await asyncio.gather(
        core.handle_action(ALICE, SHARE_ACTION, answer_value(answer_id)),
        core.handle_action(ALICE, SHARE_ACTION, answer_value(answer_id)),
    )
    again = await texts(core.handle_command(ALICE, f"share {answer_id}"))

    assert len(messenger.channel_posts) == 1
    assert sorted(r[0].text.split(" ")[0] for r in together) == ["Answer", "Shared"]
    assert "already shared" in again
    assert len(await shares(db)) == 1


@pytest.mark.parametrize("fault", ["refused", "raised"])
async def test_a_failed_post_keeps_the_answer_private_and_loses_nothing(
    core: PlnCore, messenger: RecordingMessenger, db: Database, fault: str
) -> None:
    await everyone_joins(core)
    await next_week(core)
    answer_id = await answer(core, ALICE, ALICE_SHARED)
    if fault == "refused":
        messenger.fail_channel_posts = 1
    else:
        messenger.raise_on_channel_post = True

    reply = await texts(core.handle_action(ALICE, SHARE_ACTION, answer_value(answer_id)))

    assert "couldn't post" in reply and "nothing is lost" in reply
    assert await shares(db) == [] and messenger.channel_posts == []
    history = await texts(core.handle_command(ALICE, "history"))
    assert ALICE_SHARED in history and "private" in history
    messenger.raise_on_channel_post = False
    retried = await texts(core.handle_command(ALICE, f"share #{answer_id}"))
    assert retried.startswith("Shared") and len(messenger.channel_posts) == 1


async def test_unshare_takes_the_post_down_and_the_answer_stays_private(
    core: PlnCore, messenger: RecordingMessenger, db: Database
) -> None:
    await everyone_joins(core)
    await next_week(core)
    answer_id = await answer(core, ALICE, ALICE_SHARED)
    await core.handle_command(ALICE, f"share #{answer_id}")

    (reply,) = await core.handle_action(ALICE, UNSHARE_ACTION, answer_value(answer_id))

    assert "private to you again" in reply.text
    assert messenger.deleted_refs == [messenger.channel_posts[0].ref]
    assert ALICE_SHARED not in channel_text(messenger)
    assert await shares(db) == []
    history = await texts(core.handle_command(ALICE, "history"))
    assert ALICE_SHARED in history and "shared with the PLN" not in history
    twice = await texts(core.handle_command(ALICE, f"unshare #{answer_id}"))
    assert "isn't shared" in twice


async def test_a_post_that_cannot_be_taken_down_stays_shared_until_it_can(
    core: PlnCore, messenger: RecordingMessenger, db: Database
) -> None:
    await everyone_joins(core)
    await next_week(core)
    answer_id = await answer(core, ALICE, ALICE_SHARED)
    await core.handle_command(ALICE, f"share #{answer_id}")
    messenger.fail_channel_deletes = 1

    first = await texts(core.handle_command(ALICE, f"unshare #{answer_id}"))
    second = await texts(core.handle_command(ALICE, f"unshare #{answer_id}"))

    assert "still shared" in first
    assert "private to you again" in second and await shares(db) == []


async def test_nobody_can_share_or_unshare_another_members_answer(
    core: PlnCore, messenger: RecordingMessenger, db: Database
) -> None:
    await everyone_joins(core)
    await next_week(core)
    alices = await answer(core, ALICE, ALICE_SHARED)
    await core.handle_command(ALICE, f"share #{alices}")
    missing = alices + 1000

    for verb in ("share", "unshare"):
        theirs = await texts(core.handle_command(BOB, f"{verb} #{alices}"))
        unknown = await texts(core.handle_command(BOB, f"{verb} #{missing}"))
        assert theirs.replace(str(alices), "N") == unknown.replace(str(missing), "N")
    assert len(messenger.visible_channel_posts()) == 1, "alice's post is still up"
    assert len(await shares(db)) == 1


async def test_mentions_in_an_answer_or_a_name_are_posted_as_plain_text(
    core: PlnCore, messenger: RecordingMessenger
) -> None:
    """The core adds no mention syntax of its own and passes the member's text as data; the
    Slack renderer then escapes it, so nobody is pinged (the adapters' own tests go further)."""
    sneaky = dataclasses.replace(member("eve"), display_name="<!here> @everyone")
    words = "Thanks @everyone and <!channel>, especially <@U1> and <#C2|general>."
    await everyone_joins(core)
    await core.handle_command(sneaky, "join")
    await next_week(core)
    answer_id = await answer(core, sneaky, words)

    await core.handle_command(sneaky, f"share #{answer_id}")

    (post,) = messenger.channel_posts
    shown = rendered(post.message)
    assert words in shown and "<!here> @everyone" in (post.message.heading or "")
    leftover = shown.replace(words, "").replace("<!here> @everyone", "")
    assert not re.search(r"<[@!#]|@everyone|@here", leftover), "no mention added by the core"
    payload = message_payload(post.message)
    parsed = [payload["text"], *mrkdwn_texts(payload["blocks"])]  # plain_text is never parsed
    for raw in ("<!channel>", "<@U1>", "<!here>", "<#C2|general>"):
        assert not any(raw in text for text in parsed), raw


def mrkdwn_texts(node: object) -> list[str]:
    """Every mrkdwn text in a Block Kit payload: the texts Slack parses for mentions."""
    if isinstance(node, dict):
        found = [node["text"]] if node.get("type") == "mrkdwn" else []
        return found + [t for value in node.values() for t in mrkdwn_texts(value)]
    if isinstance(node, list):
        return [t for item in node for t in mrkdwn_texts(item)]
    return []


# --- privacy -------------------------------------------------------------------------------------


MODERATOR_COMMANDS = [
    "schedules",
    "prompt now",
    "mode",
    "track",
    "prompts list",
    "channel",
    "retention",
    "summaries",
    "history 50",
    "digest all",
    "export",
    "frameworks",
    "help",
    "channel here",
    "mode channel",
    "track all",
    "prompts add olf/vision | What did the week teach you? | What comes next?",
    "prompts retire c1-1",
    "retention off",
    "summaries local",
]


async def test_only_shared_answers_ever_appear_outside_the_authors_own_view(
    core: PlnCore, messenger: RecordingMessenger
) -> None:
    await everyone_joins(core)
    await next_week(core)
    shared_id = await answer(core, ALICE, ALICE_SHARED)
    await answer(core, BOB, BOB_PRIVATE)
    await next_week(core)
    await answer(core, ALICE, ALICE_PRIVATE)
    await core.handle_command(ALICE, f"share #{shared_id}")
    await core.handle_command(MODERATOR, "mode channel")
    await next_week(core)  # a channel-mode prompt is posted too

    seen_by_others = []
    for command in ["history 50", "digest all", "export", "help"]:
        seen_by_others.append(("bob", await texts(core.handle_command(BOB, command))))
    for command in MODERATOR_COMMANDS:
        replies = await core.handle_command(MODERATOR, command)
        files = [f.content.decode() for m in replies for f in m.files]
        seen_by_others.append((command, "\n".join([m.text for m in replies] + files)))
    dms = [rendered(m) for r, m in messenger.sent if r.platform_user_id != "alice"]
    seen_by_others += [("dm", text) for text in dms]
    channel = channel_text(messenger, visible_only=False)

    for who, text in seen_by_others:
        assert ALICE_PRIVATE not in text and "Zygomorphic" not in text, who
        assert ALICE_SHARED not in text, who  # shared means the channel, not other replies
    assert ALICE_SHARED in channel
    assert ALICE_PRIVATE not in channel and BOB_PRIVATE not in channel
    assert any(p.message.kind == "channel_post" for p in messenger.channel_posts)

    await core.handle_command(ALICE, f"unshare #{shared_id}")
    assert ALICE_SHARED not in channel_text(messenger)


async def test_share_commands_parse_the_ids_history_shows() -> None:
    assert cmd.parse_command("share #12") == cmd.Share(12)
    assert cmd.parse_command("unshare 12") == cmd.Unshare(12)


async def test_the_answer_is_unchanged_in_the_store_after_sharing_and_unsharing(
    core: PlnCore, db: Database
) -> None:
    await everyone_joins(core)
    await next_week(core)
    answer_id = await answer(core, ALICE, ALICE_SHARED)
    await core.handle_command(ALICE, f"share #{answer_id}")
    await core.handle_command(ALICE, f"unshare #{answer_id}")

    async def work(session: AsyncSession) -> str:
        found = await session.get(Answer, answer_id)
        assert found is not None
        return found.text

    assert await db.run(work) == ALICE_SHARED


# --- deleting the message of a shared answer ------------------------------------------------------


async def test_deleting_a_message_of_a_shared_answer_takes_the_post_down_before_the_copy(
    core: PlnCore, messenger: RecordingMessenger, db: Database
) -> None:
    """The steps PlnCore.handle_message_delete should take (see the next test)."""
    await everyone_joins(core)
    await next_week(core)
    (saved,) = await core.handle_message(ALICE, ALICE_SHARED, message_ref="m-1")
    answer_id = _number(saved.buttons[0].value)
    await core.handle_command(ALICE, f"share #{answer_id}")

    # the core's own ContextRunner, as PlnCore hands it to sharing
    taken = await sharing.unshare_deleted_message(core._with_context, messenger, ALICE, "m-1")
    deleted = await core.handle_message_delete(ALICE, "m-1")

    assert "took its post down" in taken[0].text
    assert messenger.visible_channel_posts() == []
    assert await shares(db) == []
    assert "deleted my copy" in deleted[0].text


async def test_deleting_the_message_of_a_shared_answer_leaves_no_post_behind(
    core: PlnCore, messenger: RecordingMessenger
) -> None:
    await everyone_joins(core)
    await next_week(core)
    (saved,) = await core.handle_message(ALICE, ALICE_SHARED, message_ref="m-1")
    await core.handle_command(ALICE, f"share #{_number(saved.buttons[0].value)}")

    await core.handle_message_delete(ALICE, "m-1")

    assert ALICE_SHARED not in channel_text(messenger)


async def test_editing_a_shared_answer_takes_its_post_down_and_offers_to_share_again(
    core: PlnCore, messenger: RecordingMessenger, db: Database
) -> None:
    await everyone_joins(core)
    await next_week(core)
    (saved,) = await core.handle_message(ALICE, ALICE_SHARED, message_ref="m-1")
    answer_id = _number(saved.buttons[0].value)
    await core.handle_command(ALICE, f"share #{answer_id}")

    replies = await core.handle_message_edit(ALICE, "m-1", "A kinder version of my answer.")

    assert [r.text for r in replies] == [
        f"You edited answer #{answer_id}, which was shared with the PLN, so I took its post "
        f"down. `/pln share #{answer_id}` shares the new version."
    ]
    assert ALICE_SHARED not in channel_text(messenger)
    assert await shares(db) == []
    (shared_again,) = await core.handle_command(ALICE, f"share #{answer_id}")
    assert shared_again.text.startswith(f"Shared answer #{answer_id}")
    assert "A kinder version of my answer." in channel_text(messenger)


async def test_editing_an_answer_that_is_not_shared_says_nothing_about_posts(
    core: PlnCore, messenger: RecordingMessenger
) -> None:
    await everyone_joins(core)
    await next_week(core)
    await core.handle_message(ALICE, ALICE_SHARED, message_ref="m-1")

    assert await core.handle_message_edit(ALICE, "m-1", "Second thoughts.") == []
    assert messenger.deleted_refs == []


async def test_an_edit_event_that_leaves_the_text_as_it_was_keeps_the_post(
    core: PlnCore, messenger: RecordingMessenger
) -> None:
    """Slack reports message_changed when a link in the message unfurls: no edit at all."""
    await everyone_joins(core)
    await next_week(core)
    (saved,) = await core.handle_message(ALICE, ALICE_SHARED, message_ref="m-1")
    await core.handle_command(ALICE, f"share #{_number(saved.buttons[0].value)}")

    assert await core.handle_message_edit(ALICE, "m-1", ALICE_SHARED) == []
    assert ALICE_SHARED in channel_text(messenger)
