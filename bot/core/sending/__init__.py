"""One send pipeline for every kind of scheduled send: take → send → record.

Each kind of send is a queue over one table (`queue.SendQueue`): deliveries of prompts and
revisits, channel posts, scheduled digests, snooze reminders. `pipeline.SendPipeline` is
the one loop that takes a row (a compare-and-set committed before the platform call),
builds its message, sends it with no transaction open, and records what the platform said.
`job.QueueJob` puts a claimer (what fell due, inserted as rows) in front of its queues, as
a `DueJob`. See docs/ARCHITECTURE.md, "The delivery state machine".
"""
