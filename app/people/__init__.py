"""People: one human across events (persons), their skill-level records."""
