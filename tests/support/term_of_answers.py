# ruff: noqa: RUF001 (Russian, Hebrew and Japanese answers)
"""A realistic term of one member's answers: an ICT coordinator's own words, week by week.

Dana coordinates technology at a secondary school. Over thirteen weeks she answers every
weekly prompt (the thirteenth is still open on the day she asks for her digest) and one
"Looking back" revisit. Her real topics recur across the term: the Year 7 iPad rollout,
coaching a colleague (Priya), the budget meeting (in five answers), the Wi-Fi in the
science block, the help desk; she sets goals, quotes a question in quotation marks, and
writes in chat markup (mentions, a channel, a link, emoji codes). Everyday words a reader
would not call themes ("meeting", "minutes", "year", "block") are all over it too.

The same shape in Russian, Hebrew and Japanese (`TERM_RU`, `TERM_HE`, `TERM_JA`) checks
that words are counted and themes found in any script.

Used by the digest's unit tests (tests/unit/digest/test_term.py) and importable by any
test that needs a member with a real term behind them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.digest.records import PromptSent, Reflection

ZONE = ZoneInfo("Europe/London")
FIRST_MONDAY = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)  # ISO week 2027-W01, 09:00 in London
# she asks for her digest on the Tuesday of week 12, the day after its prompt arrived
UNTIL = FIRST_MONDAY + timedelta(weeks=12, days=1, hours=3)
SINCE = UNTIL - timedelta(weeks=13)  # `/pln digest term`


def monday(n: int, hours: float = 0) -> datetime:
    """Monday 09:00 of the term's week `n` (0 = 2027-W01), plus `hours`."""
    return FIRST_MONDAY + timedelta(weeks=n, hours=hours)


@dataclass(frozen=True)
class TermAnswer:
    week: int  # of the term: 0 is 2027-W01
    prompt_id: str
    prompt_text: str
    text: str
    revisit: bool = False
    hours_after_prompt: float = 30  # she answers on Tuesday afternoons


# the prompts, as the library words them (ids name the element each counts for)
Q_PLAN = (
    "Look at your school's improvement plan. Where does technology appear, and where is it "
    "missing though it ought to be there?"
)
Q_COACH = (
    "Think of a teacher you supported one-to-one recently. What changed in their classroom, "
    "and how do you know?"
)
Q_BUDGET = "If next year's technology budget were cut by a third, what would you protect first?"
Q_TRUST = (
    "Think of the last time a teacher came to you with a problem before it became urgent. "
    "What made them comfortable doing so?"
)
Q_DATA = (
    "Pick a number you already track, such as logins, help tickets or device counts. What "
    "does it really tell you about learning, and what does it miss?"
)
Q_INVESTOR = (
    "Which piece of technology work are you still holding that someone else could own "
    "completely? What stops you handing it over?"
)
Q_REVISIT = (
    "Looking back: Some weeks ago you wrote about a teacher you supported. What became of it?"
)
Q_TRAINING = (
    "How closely does this term's staff training line up with your school's technology "
    "plan? Which session drifts furthest from it?"
)
Q_COURAGE = (
    "When did a colleague last tell you that technology support had let them down? How did "
    "you respond in the moment?"
)
Q_IMPACT = (
    "Think of one class where technology clearly made learning better this term. What "
    "exactly changed for the students?"
)
Q_LISTEN = (
    "Which student comment about technology has stuck with you this term, and what did it "
    "tell you about how they learn?"
)
Q_SYSTEMS = (
    "On a scale of 1 to 10, how confident are you with the systems side of your school: "
    "network, devices, security, the IT budget? What would raise it by one point?"
)
Q_STRATEGY = (
    "Recall a rollout that went less smoothly than you hoped. Which part of the plan was "
    "thin: the timing, the people or the how?"
)
Q_REFLECT = (
    "Looking back over this year, what belief about technology in schools do you hold less "
    "firmly than you did at the start?"
)

TERM: tuple[TermAnswer, ...] = (
    TermAnswer(
        0,
        "slict-strategic-planning-1",
        Q_PLAN,
        "The improvement plan mentions the iPad rollout for Year 7 in one line and says "
        "nothing about who charges the devices. I raised it in the senior leadership meeting "
        "and got twenty minutes on the agenda next month. <@U024BE7LH> offered to help with "
        "the parent letter. I will draft a charging rota with the Year 7 tutors by Friday.",
    ),
    TermAnswer(
        1,
        "trust-needs-pln-building-trust-1",
        Q_TRUST,
        "Priya, who teaches history, came to me before her Year 7 class tried the new iPads. "
        "She said she trusts me because I never make her feel slow. We spent twenty minutes "
        "planning how her students would annotate primary sources. The Wi-Fi in the science "
        "block dropped twice while we tested, which worries me for the iPad rollout.",
    ),
    TermAnswer(
        2,
        "responsibilities-coaching-1",
        Q_COACH,
        "I started coaching Priya properly this week: one lesson observed, one conversation "
        "after. Her students used the iPads to record their own questions about the sources, "
        'and more of them spoke than usual. Priya asked "what if the Wi-Fi drops again?" '
        "and I had no good answer. My goal is to let Priya lead the next coaching session "
        "herself.",
    ),
    TermAnswer(
        3,
        "olf-aligning-resources-2",
        Q_BUDGET,
        "The budget meeting is in three weeks and the bursar wants cuts. If we lost a third, "
        "I would protect the iPad rollout for Year 7 and the Wi-Fi upgrade in the science "
        "block, and let the interactive whiteboards age. Next step: ask the bursar for the "
        "three-year device costs before the budget meeting. :moneybag:",
    ),
    TermAnswer(
        4,
        "responsibilities-coaching-2",
        Q_COACH,
        "Second coaching session with Priya. This time she planned the lesson and I only "
        "watched. She paused the class when three iPads lost the Wi-Fi and turned it into a "
        "discussion, which I would never have done. I want to ask her to show the history "
        "department what she did. https://example.org/coaching-notes has my notes.",
    ),
    TermAnswer(
        5,
        "olf-using-data-4",
        Q_DATA,
        "We count help desk tickets. Since the iPad rollout, Year 7 tickets doubled, mostly "
        "forgotten passcodes. The tickets say nothing about learning. The next step of the "
        "rollout was handing out chargers, which went smoothly. I am preparing the ticket "
        "figures for the budget meeting so the bursar sees the support time behind the "
        "devices.",
    ),
    TermAnswer(
        6,
        "multipliers-investor-1",
        Q_INVESTOR,
        "I still hold the whole help desk myself. The student digital leaders could own "
        "passcode resets completely, and what stops me is fear that parents will complain. "
        "The budget meeting was postponed again, which gives me time. I'm going to bring the "
        "case-loss figures to the budget meeting and ask for two more student digital leaders.",
    ),
    TermAnswer(
        6,
        "responsibilities-coaching-1",
        Q_REVISIT,
        "Priya led the coaching session with two colleagues from the history department on "
        "Thursday and I only handed out the iPads. She did it better than I would have.",
        revisit=True,
        hours_after_prompt=28,
    ),
    TermAnswer(
        7,
        "responsibilities-training-2",
        Q_TRAINING,
        "Our staff training this term was mostly about the new reporting system, which is not "
        "in the technology plan at all. The session that drifts furthest is the one on "
        "interactive whiteboards. Coaching Priya taught me more than any session: next term "
        "I would swap two training slots for coaching in pairs. <#C0123|ict-team> agreed.",
    ),
    TermAnswer(
        8,
        "olf-courageous-conversations-2",
        Q_COURAGE,
        "Mr Hughes told me in the staffroom that the iPad rollout had wrecked his Year 7 "
        "lessons because half the class had flat batteries. I got defensive first, then asked "
        "him to show me. The charging rota is not working in his form. I will meet the Year 7 "
        "tutors again on Monday about the charging rota.",
    ),
    TermAnswer(
        9,
        "slict-learning-impact-1",
        Q_IMPACT,
        "Priya's Year 7 history class now records short audio reflections on the iPads at the "
        "end of each lesson. She says the quiet students talk more than they ever wrote. At "
        "the budget meeting the governors finally asked about learning, not only devices, and "
        "I used her class as the example. :tada:",
    ),
    TermAnswer(
        10,
        "responsibilities-listening-1",
        Q_LISTEN,
        "A Year 7 student told me the iPad is the first thing at school that she can fix "
        "herself. The student digital leaders now run a lunchtime clinic for passcodes and "
        "chargers. Coaching Priya and listening to students taught me the same thing: people "
        "want to solve their own problems. <!channel> thank you all.",
    ),
    TermAnswer(
        11,
        "profiles-it-professional-1",
        Q_SYSTEMS,
        "Maybe a 6. The Wi-Fi upgrade in the science block was approved at the budget "
        "meeting, and the minutes record the three-year device costs I brought. I still "
        "do not understand our firewall well enough. I want to write up what the iPad "
        "rollout taught us for the governors before the summer term.",
    ),
)

# the term's prompts: one weekly prompt each Monday (weeks 0 to 12) and the revisit, sent
# on the Wednesday of week 6; week 12's prompt arrived yesterday and is still open
REVISIT_SENT = monday(6, hours=48)
# before the term: three answered, then one skipped, so the term's run of twelve answered
# weeks is both her current and her longest streak
BEFORE_TERM = (
    PromptSent(monday(-4), True, False),
    PromptSent(monday(-3), True, False),
    PromptSent(monday(-2), True, False),
    PromptSent(monday(-1), False, True),
)
EARLIER_ANSWERS = (  # her answers before the term: the themes' own-history background
    "The summer holidays were quiet. I rebuilt the laptop trolley and updated the "
    "safeguarding filters before the new Year 7 arrived.",
    "I spent the week on timetables and staff accounts. Every September the same "
    "password resets arrive in the first staff meeting.",
    "Our staff meeting discussed the new reporting system for twenty minutes. Nobody asked "
    "about learning.",
)


def prompts_sent() -> list[PromptSent]:
    weekly = [PromptSent(monday(n), n < 12, False) for n in range(13)]
    return [*BEFORE_TERM, *weekly, PromptSent(REVISIT_SENT, True, False, revisit=True)]


def reflections(term: tuple[TermAnswer, ...] = TERM) -> list[Reflection]:
    """The term's answers as the digest reads them, oldest first."""
    found = []
    for answer in term:
        sent = REVISIT_SENT if answer.revisit else monday(answer.week)
        written = sent + timedelta(hours=answer.hours_after_prompt)
        found.append(
            Reflection(written, answer.text, answer.prompt_id, answer.prompt_text, answer.revisit)
        )
    return sorted(found, key=lambda r: r.written_at)


# -- the same shape in other scripts: word counts and themes -------------------------------

TERM_RU: tuple[str, ...] = (
    "Бюджетное совещание перенесли на следующую неделю. Директор хочет сократить расходы, "
    "но планшеты для седьмых классов я буду защищать.",
    "На бюджетном совещании бухгалтер спросил, сколько стоят планшеты. Я показал заявки "
    "в службу поддержки за месяц.",
    "Коллега из кафедры истории впервые провела урок с планшетами. После бюджетного "
    "совещания у нас наконец есть деньги на зарядные тележки.",
    "Ученики седьмых классов сами помогают друг другу с планшетами. Бюджетное совещание "
    "одобрило новую точку доступа в кабинете физики.",
)
TERM_HE: tuple[str, ...] = (
    "ישיבת התקציב נדחתה שוב. המנהלת רוצה לקצץ, אבל אני אגן על פריסת הטאבלטים לכיתות ז.",
    "בישיבת התקציב הראיתי את מספר הקריאות למוקד התמיכה. פריסת הטאבלטים הכפילה אותן.",
    "המורה להיסטוריה העבירה שיעור עם טאבלטים. בישיבת התקציב הבאה אבקש עוד עמדות טעינה.",
    "פריסת הטאבלטים הצליחה בזכות התלמידים. مرحبا بالعالم كتب أحد الطلاب على اللوح.",
)
TERM_JA: tuple[str, ...] = (
    "来週の予算会議で、七年生のタブレット導入について説明します。充電の問題がまだ残っています。",
    "予算会議が延期になりました。タブレット導入の費用を事務長にもう一度見せるつもりです。",
    "歴史の先生が初めてタブレットを使った授業をしました。予算会議の前に良い例ができました。",
    "予算会議でタブレット導入の継続が決まりました。生徒たちが自分で充電当番を始めました。",
)


def reflections_in(texts: tuple[str, ...], prompt_text: str = "") -> list[Reflection]:
    """Answers in weeks 0, 1, 2, ... of the term (any prompt; only the text matters)."""
    return [
        Reflection(monday(n, hours=30), text, "slict-strategic-planning-1", prompt_text)
        for n, text in enumerate(texts)
    ]
