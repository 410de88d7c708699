"""History from other apps: import jobs, their reports, and one importer per kind of file (Apple Health)."""
