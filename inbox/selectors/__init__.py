"""Every non-trivial read of the inbox, one module per concern; callers import from the concern's module."""
