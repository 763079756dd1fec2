"""Admission tickets (准考证) and the check-in desk's scan of them.

Sits on top of the flow (design.md): it reads events (registrations), marking (the draw's
workstations) and certificates (the PDF machinery and the signing keys); nothing imports it but
``create_app``.
"""
