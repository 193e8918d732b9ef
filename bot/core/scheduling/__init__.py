"""Moderators plan the term: the schedule grammar, its rules and their preview.

`parse` turns `/pln schedule ...` text into a plan, `rules` says when a plan fires (dateutil's
rrule does the recurrence), `preview` says back how a plan was understood before anything
is saved, and `planning` / `listing` store and show the community's schedules.
"""
