"""Events: units, tiers, events and their skills, registration, panels."""
