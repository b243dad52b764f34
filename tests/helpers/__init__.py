"""Test-only builders shared by several test folders and by test-data/make_test_data.py (not shipped)."""
