"""The server's own state: `GET /health` for anyone, `GET /status` for the caller."""
