"""Whole-user export and import over HTTP (the same archives as `airfit export` / `airfit import`)."""
