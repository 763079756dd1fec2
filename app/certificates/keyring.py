"""The certificate signing keys: Ed25519, one file per key id, kept outside the database.

Why files and not the database: a database dump or a read replica must not be enough to forge a
certificate, and the keys must survive a database rebuild (every printed QR code depends on them).

Layout of the directory (``CERTIFICATE_KEYS_DIR``, default ``/var/lib/jingsai/keys``, ``instance/keys``
outside production; created mode 0700)::

    001.key     the raw 32-byte Ed25519 private key of key id 1 (mode 0600)
    002.key     ... one file per key id, 1..255 (the token spends one byte on it)
    current     the id of the key that signs new tokens, as decimal text

A key file, once written, never changes: so it is cached in memory for good, while ``current`` and
the list of files are read again when needed. Another process (a command-line rotation, another
gunicorn worker) may add a key at any time and this one sees it at its next lookup.

The first use creates key 1. :meth:`Keyring.rotate` makes a new key current; old keys stay and
still verify the tokens they signed (a printed certificate lives for decades). To withdraw a
compromised key, move its file out of the directory: its tokens are then refused as signed by an
unknown key, and it disappears from the published keys.

Private keys never leave this module: it signs on request (raw signatures for the QR tokens, compact
JWS for the Open Badges credentials, :meth:`Keyring.sign_jws`) and hands out public keys only.
"""
from __future__ import annotations

import os
import re
import secrets
import warnings
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from flask import current_app
from joserfc import jws
from joserfc.errors import SecurityWarning
from joserfc.jwk import OKPKey

from app.errors import DomainError

MIN_KEY_ID = 1
MAX_KEY_ID = 255
PRIVATE_KEY_LENGTH = 32
_KEY_FILE = re.compile(r"^(\d{3})\.key$")
_CURRENT = "current"


class KeyringError(DomainError):
    """The key directory is unusable; the message says which file and what to do."""


class Keyring:
    """The signing keys in one directory. Safe to share between threads and processes."""

    def __init__(self, directory: str | os.PathLike[str]):
        self.directory = Path(directory)
        self._keys: dict[int, Ed25519PrivateKey] = {}

    # -- reading -----------------------------------------------------------------------------

    def current_id(self) -> int:
        """The key id that signs new tokens; the first use creates key 1."""
        self._ensure()
        path = self.directory / _CURRENT
        text = path.read_text(encoding="ascii").strip()
        if not (text.isascii() and text.isdigit() and len(text) <= 9) or not MIN_KEY_ID <= int(text) <= MAX_KEY_ID:
            raise KeyringError(f"{path} must hold a key id from {MIN_KEY_ID} to {MAX_KEY_ID}, not {text!r}")
        key_id = int(text)
        if self._private_key(key_id) is None:
            raise KeyringError(f"{path} names key {key_id}, but {self._key_path(key_id)} is missing")
        return key_id

    def key_ids(self) -> list[int]:
        """Every key id present, oldest first (the first use creates key 1)."""
        self._ensure()
        return self._present_ids()

    def check(self) -> None:
        """Read ``current`` and every key file without creating anything (the start-up check);
        :class:`KeyringError` says which file is unusable."""
        try:
            for key_id in self._present_ids():
                self._private_key(key_id)
            if (self.directory / _CURRENT).exists():
                self.current_id()
        except OSError as error:
            raise KeyringError(f"{error.filename} cannot be read ({error.strerror}): fix its owner and mode "
                               "(0600)") from None

    def public_key(self, key_id: int) -> Ed25519PublicKey | None:
        """The public key of ``key_id``, or ``None`` when there is no such key."""
        private = self._private_key(key_id)
        return private.public_key() if private is not None else None

    def sign(self, key_id: int, data: bytes) -> bytes:
        """The 64-byte Ed25519 signature of ``data`` with key ``key_id``."""
        private = self._private_key(key_id)
        if private is None:
            raise KeyringError(f"no signing key {key_id} in {self.directory}")
        return private.sign(data)

    def sign_jws(self, key_id: int, header: dict[str, Any], payload: bytes) -> str:
        """A compact JWS of ``payload`` signed by key ``key_id`` with alg ``EdDSA``, by joserfc.

        ``EdDSA`` rather than RFC 9864's newer ``Ed25519``: it is the name verifiers know today
        (PyJWT, jose, the Open Badges validators); joserfc's warning about it is therefore silenced
        for this call alone."""
        private = self._private_key(key_id)
        if private is None:
            raise KeyringError(f"no signing key {key_id} in {self.directory}")
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=SecurityWarning, message="EdDSA is deprecated")
            return jws.serialize_compact({**header, "alg": "EdDSA"}, payload, OKPKey.import_key(private),
                                         algorithms=["EdDSA"])

    # -- changing ----------------------------------------------------------------------------

    def rotate(self) -> int:
        """Create a new key and make it current; returns its id. Old keys keep verifying."""
        self._ensure()
        new_id = max(self._present_ids()) + 1
        if new_id > MAX_KEY_ID:
            raise KeyringError(f"all key ids up to {MAX_KEY_ID} are used in {self.directory}: "
                               "no room for another key")
        if not self._create_key(new_id):
            raise KeyringError(f"key {new_id} was created by someone else meanwhile; rotate again if needed")
        _write_replacing(self.directory / _CURRENT, f"{new_id}\n".encode("ascii"))
        return new_id

    # -- internals ---------------------------------------------------------------------------

    def _ensure(self) -> None:
        """First use: the directory, key 1 and ``current``. Safe when two processes race."""
        if (self.directory / _CURRENT).exists():
            return
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not self._present_ids():
            self._create_key(MIN_KEY_ID)  # losing a race to another process is fine: its key 1 stays
        # ``current`` lost while keys exist: the newest is the one the last rotation made current.
        _write_exclusive(self.directory / _CURRENT, f"{max(self._present_ids())}\n".encode("ascii"))

    def _present_ids(self) -> list[int]:
        if not self.directory.is_dir():
            return []
        ids = (int(m.group(1)) for m in map(_KEY_FILE.match, os.listdir(self.directory)) if m)
        return sorted(i for i in ids if MIN_KEY_ID <= i <= MAX_KEY_ID)

    def _key_path(self, key_id: int) -> Path:
        return self.directory / f"{key_id:03d}.key"

    def _private_key(self, key_id: int) -> Ed25519PrivateKey | None:
        if not MIN_KEY_ID <= key_id <= MAX_KEY_ID:
            return None
        cached = self._keys.get(key_id)
        if cached is not None:
            return cached
        path = self._key_path(key_id)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return None
        if len(raw) != PRIVATE_KEY_LENGTH:
            raise KeyringError(f"{path} is not a raw {PRIVATE_KEY_LENGTH}-byte Ed25519 private key "
                               f"({len(raw)} bytes)")
        key = Ed25519PrivateKey.from_private_bytes(raw)
        self._keys[key_id] = key
        return key

    def _create_key(self, key_id: int) -> bool:
        raw = Ed25519PrivateKey.generate().private_bytes_raw()
        return _write_exclusive(self._key_path(key_id), raw)


def _temporary_beside(path: Path, data: bytes) -> Path:
    """A fully written, fsynced, mode-0600 file next to ``path`` (same file system)."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        os.fchmod(handle.fileno(), 0o600)  # whatever the umask
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    return temporary


def _write_exclusive(path: Path, data: bytes) -> bool:
    """Create ``path`` with ``data`` unless it exists; False when it did. Never half-written:
    the content is written aside, then hard-linked into place (link fails if the name exists)."""
    temporary = _temporary_beside(path, data)
    try:
        os.link(temporary, path)
        return True
    except FileExistsError:
        return False
    finally:
        temporary.unlink(missing_ok=True)


def _write_replacing(path: Path, data: bytes) -> None:
    temporary = _temporary_beside(path, data)
    os.replace(temporary, path)


_KEYRINGS: dict[Path, Keyring] = {}


def app_keyring() -> Keyring:
    """The keyring of the current app's ``CERTIFICATE_KEYS_DIR``, one per directory per process
    (so each key file is read once)."""
    directory = Path(current_app.config["CERTIFICATE_KEYS_DIR"]).resolve()
    keyring = _KEYRINGS.get(directory)
    if keyring is None:
        keyring = _KEYRINGS.setdefault(directory, Keyring(directory))
    return keyring
