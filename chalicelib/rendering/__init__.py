"""Turning one advisory into each channel's exact text (issue 3)."""
