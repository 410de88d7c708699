"""The coach: chat, onboarding, context building, relationship memory and learning from conversations."""
