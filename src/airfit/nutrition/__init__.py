"""Nutrition AI: food text to macros, corrections, and macro feedback against the user's targets."""
