"""The JSON API (``/api/v1``): the tablet page and integrations."""
