"""What operators and their machines need: health, readiness and metrics URLs, request ids and
structured logs."""
