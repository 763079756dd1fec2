"""Grants and rewards (grants.md): facts from the system's own data and imported records, policy
rule sets in force (:mod:`app.rulesets`), computation through ``scoring.grants``, and the ledger
of reviewed and approved lines. Pages call :mod:`app.grants.services`."""
