"""Every write to the inbox's rows, one module per concern; each service is one transaction that
appends its timeline event. Shared primitives (refusals, the row lock, event append) are in `base`.
"""
