"""Training: per-user Hevy import, strength history, muscle map and the rolling set tracker.

Hevy is only ever called by a sync (`service.sync_user`); every endpoint answers from stored documents.
"""
