"""`benchmark_queue`'s parts: generating a large queue fast, and timing what agents and polls do to it."""
