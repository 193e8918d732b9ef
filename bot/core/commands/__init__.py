"""The `/pln` commands: each declared once (grammar, help, flags, handler, buttons).

`grammar` parses and explains; `member_commands`, `data_commands` and
`moderator_commands` declare the commands next to their values; `shapes` and `values` turn
words into arguments. Import what you need from here: `from bot.core import commands as cmd`.
"""

from __future__ import annotations

from bot.core.commands.data_commands import (
    DeleteAnswer,
    Digest,
    DigestSchedule,
    Export,
    ForgetMe,
    Link,
    Share,
    Unlink,
    Unshare,
)
from bot.core.commands.grammar import (
    Help,
    command_specs,
    help_text,
    is_moderator_only,
    parse_command,
    spec_of,
)
from bot.core.commands.holiday_commands import (
    AddHoliday,
    ConfirmHolidayImport,
    ImportHolidays,
    ListHolidays,
    RemoveHoliday,
)
from bot.core.commands.member_commands import (
    ChooseAudience,
    Frameworks,
    History,
    Join,
    Leave,
    Pause,
    Resume,
    Rhythm,
    Schedules,
    SetTimezone,
    ShowTimezone,
    Skip,
)
from bot.core.commands.moderator_commands import (
    AddPrompt,
    ChooseTrack,
    ListPrompts,
    Mode,
    PromptNow,
    Retention,
    RetirePrompt,
    SetChannel,
    SetTermStart,
    ShowTerm,
    Summaries,
)
from bot.core.commands.oversight_commands import (
    AddModerator,
    Audit,
    ListModerators,
    RemoveModerator,
    Stats,
)
from bot.core.commands.peer_commands import (
    Checkins,
    Mentor,
    Profile,
    SetInterests,
    SetRole,
    SetSchool,
    ShowProfile,
)
from bot.core.commands.shapes import Arguments, CommandError, Option, OptionKind
from bot.core.commands.spec import ButtonAction, CommandSpec, CoreServices
from bot.core.commands.values import (
    DIGEST_PERIODS,
    MAX_DIGEST_WEEKS,
    answer_id,
    channel_target,
    digest_period,
    link_code,
)
from bot.core.commands.web_commands import WebLink
from bot.core.scheduling.listing import (
    CancelSchedule,
    PauseSchedule,
    ResumeSchedule,
    SkipDate,
)
from bot.core.scheduling.planning import (
    ConfirmDraft,
    DismissDraft,
    ScheduleCheckins,
    ScheduleDiscussion,
    SchedulePlan,
)

Command = (
    Help
    | Join
    | Leave
    | SetTimezone
    | ShowTimezone
    | Pause
    | Resume
    | Rhythm
    | Skip
    | History
    | Digest
    | DigestSchedule
    | DeleteAnswer
    | Share
    | Unshare
    | Export
    | ForgetMe
    | Retention
    | Summaries
    | Link
    | Unlink
    | WebLink
    | Frameworks
    | PromptNow
    | Mode
    | SetChannel
    | ChooseTrack
    | AddPrompt
    | ListPrompts
    | RetirePrompt
    | Schedules
    | ChooseAudience
    | ShowTerm
    | SetTermStart
    | ListHolidays
    | AddHoliday
    | RemoveHoliday
    | ImportHolidays
    | ConfirmHolidayImport
    | SchedulePlan
    | ScheduleDiscussion
    | ScheduleCheckins
    | ConfirmDraft
    | DismissDraft
    | PauseSchedule
    | ResumeSchedule
    | CancelSchedule
    | SkipDate
    | Stats
    | Audit
    | ListModerators
    | AddModerator
    | RemoveModerator
    | Profile
    | ShowProfile
    | SetSchool
    | SetRole
    | SetInterests
    | Checkins
    | Mentor
)

__all__ = [
    "DIGEST_PERIODS",
    "MAX_DIGEST_WEEKS",
    "AddHoliday",
    "AddModerator",
    "AddPrompt",
    "Arguments",
    "Audit",
    "ButtonAction",
    "ChooseAudience",
    "ChooseTrack",
    "Command",
    "CommandError",
    "CommandSpec",
    "ConfirmHolidayImport",
    "CoreServices",
    "DeleteAnswer",
    "Digest",
    "DigestSchedule",
    "Export",
    "ForgetMe",
    "Frameworks",
    "Help",
    "History",
    "ImportHolidays",
    "Join",
    "Leave",
    "Link",
    "ListHolidays",
    "ListModerators",
    "ListPrompts",
    "Mode",
    "Option",
    "OptionKind",
    "Pause",
    "PromptNow",
    "RemoveHoliday",
    "RemoveModerator",
    "Resume",
    "Retention",
    "RetirePrompt",
    "Rhythm",
    "Schedules",
    "SetChannel",
    "SetTermStart",
    "SetTimezone",
    "Share",
    "ShowTerm",
    "ShowTimezone",
    "Skip",
    "Stats",
    "Summaries",
    "Unlink",
    "Unshare",
    "WebLink",
    "answer_id",
    "channel_target",
    "command_specs",
    "digest_period",
    "help_text",
    "is_moderator_only",
    "link_code",
    "parse_command",
    "spec_of",
]
