"""Certificates: issuing, PDF rendering, QR codes, public verification, revocation.

A certificate's QR code holds a verification URL with a compact signed token (certificates.md):
anyone can check offline that the server issued that certificate number with that content, and
the verification page shows what the server holds, so a forged paper with a copied QR code shows
different content from the paper's.

- :mod:`app.certificates.signing`: the canonical content, its digest, and the token layout
  (making and reading tokens). Pure: no database, no Flask.
- :mod:`app.certificates.keyring`: the Ed25519 signing keys, kept in files outside the database,
  with key ids and rotation (old keys still verify).
- :mod:`app.certificates.keys_views`: the public keys at ``/.well-known/jingsai-keys.json``.
"""
