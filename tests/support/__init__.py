"""Test stand-ins and builders that any test can take as fixtures."""
