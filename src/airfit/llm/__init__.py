"""LLM providers (command-line tools and HTTP APIs), the per-user router and chat sessions."""
