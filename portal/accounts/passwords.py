"""Password hashing (Argon2id) and the password rule."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024


def _hasher() -> PasswordHasher:
    config = current_app.config
    return PasswordHasher(time_cost=config["ARGON2_TIME_COST"],
                          memory_cost=config["ARGON2_MEMORY_COST"],
                          parallelism=config["ARGON2_PARALLELISM"])


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def check_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


# A valid hash to verify against when the account does not exist, so that a
# wrong e-mail takes as long as a wrong password.
_DUMMY_HASH: dict[tuple, str] = {}


def spend_time_like_a_check(password: str) -> None:
    key = tuple(current_app.config[name] for name in
                ("ARGON2_TIME_COST", "ARGON2_MEMORY_COST", "ARGON2_PARALLELISM"))
    if key not in _DUMMY_HASH:
        _DUMMY_HASH[key] = hash_password("not a real password, only for timing")
    check_password(_DUMMY_HASH[key], password)
