"""The peer half: profiles, check-in rounds (groups of two or three) and mentor matches."""
