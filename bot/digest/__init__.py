"""The reflection digest's content, one small pure module per part.

No database and no platform here: bot/core/digest_requests.py reads the member's reflections from
the store, hands plain values to these modules, and turns their results into a message.
Keeping them pure is what lets the content be tested on a fixed set of answers.
"""
