"""The durable run engine: runs and their steps committed one step at a time, resumed after a
crash at the step they were in, with side effects performed once per step (see executor.py)."""
