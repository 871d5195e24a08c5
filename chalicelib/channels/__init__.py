"""Channel adapters: one per platform, behind the `Channel` port (issue 4)."""
