"""E-mail: an outbox in the database, a mailer, and a background sender."""
