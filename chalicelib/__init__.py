"""Clarion: one approved advisory, every channel, provably once."""
