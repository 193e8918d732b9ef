"""Holiday commands: `/pln holidays` (everyone: when no prompts come) and the moderators'
`holidays add`, `holidays remove` and `holidays import` (a school calendar file)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot.core import holidays
from bot.core.commands.shapes import (
    Arguments,
    Option,
    OptionKind,
    Rejected,
    no_arguments,
    rest_of_line,
)
from bot.core.commands.spec import ButtonAction, CommandSpec
from bot.core.context import Context
from bot.core.messages import Attachment, OutgoingMessage


@dataclass(frozen=True)
class ListHolidays:
    """The community's current and coming holidays."""


@dataclass(frozen=True)
class AddHoliday:
    """A holiday from `first_day` to `last_day` (both included) (moderators)."""

    first_day: date
    last_day: date
    name: str


@dataclass(frozen=True)
class RemoveHoliday:
    """Take a holiday out by its id (moderators)."""

    holiday_id: int


@dataclass(frozen=True)
class ImportHolidays:
    """Preview a calendar file's holidays (moderators). The dispatcher puts the files the
    member attached to the command in `files`; nothing is saved before Confirm."""

    files: tuple[Attachment, ...] = ()


@dataclass(frozen=True)
class ConfirmHolidayImport:
    """Confirm (or, with `cancel`, drop) a previewed import, by its batch token."""

    batch: str
    cancel: bool = False


def _holiday_id(text: str) -> int:
    cleaned = text.strip().lstrip("#")
    if not cleaned.isdecimal() or len(cleaned) > 9:
        raise ValueError("Holiday ids are numbers: `/pln holidays` lists them.")
    return int(cleaned)


def _import_arguments() -> Arguments:
    """Nothing typed (the file is attached), or `confirm|cancel <batch>` as the buttons say."""

    def parse(words: Sequence[str]) -> ImportHolidays | ConfirmHolidayImport:
        if not words:
            return ImportHolidays()
        if len(words) == 2 and words[0].casefold() in ("confirm", "cancel"):
            return ConfirmHolidayImport(words[1], cancel=words[0].casefold() == "cancel")
        raise Rejected(holidays.ATTACH_HINT)

    return Arguments(
        "",
        "takes an attached .ics file",
        (ImportHolidays, ConfirmHolidayImport),
        parse,
        (Option("file", "The school calendar (.ics)", OptionKind.FILE),),
    )


async def _import(
    ctx: Context, command: ImportHolidays | ConfirmHolidayImport
) -> list[OutgoingMessage]:
    if isinstance(command, ConfirmHolidayImport):
        if command.cancel:
            return await holidays.cancel_import(ctx, command.batch)
        return await holidays.confirm_import(ctx, command.batch)
    return await holidays.preview_import(ctx, command.files)


SPECS: tuple[CommandSpec, ...] = (
    CommandSpec(
        name="holidays",
        arguments=no_arguments(ListHolidays),
        summary="The community's holidays: no prompts on those days.",
        description=(
            "Current and coming holidays with their ids, as moderators planned them; "
            "dates are your own local dates."
        ),
        example="holidays",
        handler=lambda ctx, _: holidays.list_holidays(ctx),
        before_joining=True,
    ),
    CommandSpec(
        name="holidays add",
        arguments=rest_of_line(
            lambda parsed: AddHoliday(*parsed),
            convert=holidays.parse_days,
            name="first..last name",
            produces=(AddHoliday,),
            option=Option(
                "days", 'First..last day and a name: 2026-12-21..2027-01-03 "Winter break"'
            ),
        ),
        summary="Add a holiday: no prompts from the first to the last day.",
        description=(
            "Dates as YYYY-MM-DD, a range with `..`, then a name. Each member's local "
            "dates count; a week without a prompt breaks no streak."
        ),
        example='holidays add 2026-12-21..2027-01-03 "Winter break"',
        handler=lambda ctx, command: holidays.add_holiday(
            ctx, command.first_day, command.last_day, command.name
        ),
        moderator_only=True,
        before_joining=True,
        changes_schedule=True,
    ),
    CommandSpec(
        name="holidays remove",
        arguments=rest_of_line(
            RemoveHoliday,
            convert=_holiday_id,
            name="holiday id",
            option=Option("id", "The holiday's id, from /pln holidays"),
        ),
        summary="Remove a holiday by its id.",
        description="Prompts come as usual on its days again.",
        example="holidays remove 3",
        handler=lambda ctx, command: holidays.remove_holiday(ctx, command.holiday_id),
        moderator_only=True,
        before_joining=True,
        changes_schedule=True,
    ),
    CommandSpec(
        name="holidays import",
        arguments=_import_arguments(),
        summary="Import holidays from a school calendar (.ics file).",
        description=(
            "All-day and multi-day events become holidays; you see them and press Confirm "
            "before anything is saved. Attach the file (console: `< path`)."
        ),
        example="holidays import",
        handler=_import,
        moderator_only=True,
        before_joining=True,
        changes_schedule=True,
        buttons=(
            ButtonAction(holidays.CONFIRM_IMPORT_ACTION, lambda value: ConfirmHolidayImport(value)),
            ButtonAction(
                holidays.CANCEL_IMPORT_ACTION,
                lambda value: ConfirmHolidayImport(value, cancel=True),
            ),
        ),
    ),
)
