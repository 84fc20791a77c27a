"""Jobs: long or periodic work on a task queue (Huey), with progress kept in the database."""
