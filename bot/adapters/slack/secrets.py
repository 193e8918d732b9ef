"""Encryption of Slack tokens at rest, so a copied database file or backup holds no live token.

The key comes from PLN_TOKEN_KEY: a comma-separated list of Fernet keys. The first key
encrypts; every key decrypts. To rotate, put a new key first and keep the old one after it
until every stored installation has been saved again.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

KEY_ENV = "PLN_TOKEN_KEY"
MAKE_KEY_COMMAND = (
    'python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
)


class TokenDecryptionError(ValueError):
    """Stored data that no configured key opens: the key was changed or lost.

    The message never carries the ciphertext or what it would decrypt to.
    """


class TokenCipher:
    """Encrypts and decrypts text with a list of Fernet keys (first encrypts, all decrypt)."""

    def __init__(self, keys: list[Fernet]) -> None:
        if not keys:
            raise ValueError(_missing_key_message())
        self._fernet = MultiFernet(keys)
        self.key_count = len(keys)

    @classmethod
    def from_keys(cls, text: str) -> TokenCipher:
        """The cipher for PLN_TOKEN_KEY's value; a clear ValueError if it is empty or bad."""
        parts = [part.strip() for part in text.split(",")]
        keys = [_parse_key(part, position) for position, part in enumerate(parts, 1) if part]
        if not keys:
            raise ValueError(_missing_key_message())
        return cls(keys)

    def encrypt(self, text: str) -> str:
        """A Fernet token (url-safe ASCII) of `text`, made with the first key."""
        return self._fernet.encrypt(text.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        """The text inside `token`, trying every key; TokenDecryptionError if none fits."""
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeError):
            # `from None`: nothing of the token or its contents rides along in the traceback
            raise TokenDecryptionError(
                f"stored Slack installation data cannot be decrypted with any of the "
                f"{self.key_count} key(s) in {KEY_ENV}: the key was changed or is wrong. "
                f"Restore the old key, or list it after the new one (new,old) to rotate."
            ) from None

    def __repr__(self) -> str:
        return f"TokenCipher(<{self.key_count} key(s)>)"


def generate_key() -> str:
    """A fresh random Fernet key, as text fit for PLN_TOKEN_KEY."""
    return Fernet.generate_key().decode("ascii")


def _parse_key(text: str, position: int) -> Fernet:
    # The key itself stays out of the message: it is a secret even when malformed.
    try:
        return Fernet(text.encode("ascii"))
    except (ValueError, UnicodeError):
        raise ValueError(
            f"{KEY_ENV}: key number {position} is not a Fernet key (32 url-safe base64-encoded "
            f"bytes). Make one with: {MAKE_KEY_COMMAND}"
        ) from None


def _missing_key_message() -> str:
    return (
        f"{KEY_ENV} is empty: Slack tokens are stored encrypted and need a key. "
        f"Make one with: {MAKE_KEY_COMMAND}"
    )
