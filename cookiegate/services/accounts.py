"""Admin accounts (service layer over the store); the audit log is in :mod:`.audit`.

Passwords are kept as werkzeug hashes (scrypt), never in clear. Checking a
password costs the same whether or not the e-mail exists, so a login page
cannot be used to find out who has an account.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass

from werkzeug.security import check_password_hash
from werkzeug.security import generate_password_hash

from ..core.errors import CookiegateError
from ..store import Store
from ..store import accounts as q
from .audit import audit as audit
from .audit import cli_actor as cli_actor
from .audit import read_audit as read_audit

ROLES = ("viewer", "admin")
MIN_PASSWORD = 12
#: Verified against when the e-mail is unknown, to keep the timing the same.
_DUMMY_HASH = generate_password_hash("cookiegate-dummy-password")


class AccountError(CookiegateError):
    """An account cannot be created or changed as asked."""


@dataclass(frozen=True)
class Account:
    id: int
    email: str
    role: str
    active: bool
    created_at: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def _account(row: t.Mapping[str, t.Any]) -> Account:
    return Account(row["id"], row["email"], row["role"], bool(row["active"]), row["created_at"])


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_new(email: str, password: str, role: str) -> str:
    """The normalised e-mail, after checking all three values.

    :raises AccountError: naming what is wrong.
    """
    email = normalise_email(email)
    local, _, domain = email.partition("@")
    if not local or "." not in domain or len(email) > 254 or any(c.isspace() for c in email):
        raise AccountError(f"{email!r} is not an e-mail address.")
    if role not in ROLES:
        raise AccountError(f"Role {role!r} is not one of {list(ROLES)}.")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"The password must have at least {MIN_PASSWORD} characters.")
    return email


def create(store: Store, email: str, password: str, role: str, *, now: str) -> Account:
    """Create an account.

    :raises AccountError: bad e-mail, role or password, or the e-mail is taken.
    """
    email = check_new(email, password, role)
    with store.begin(write=True) as conn:
        if q.get_admin(conn, email=email) is not None:
            raise AccountError(f"An account for {email!r} already exists.")
        row = {
            "email": email,
            "password_hash": generate_password_hash(password),
            "role": role,
            "active": True,
            "created_at": now,
        }
        row["id"] = q.insert_admin(conn, row)
    return _account(row)


def authenticate(store: Store, email: str, password: str) -> Account | None:
    """The active account with this e-mail and password, else None."""
    with store.begin() as conn:
        row = q.get_admin(conn, email=normalise_email(email))
    if row is None or not row["active"]:
        check_password_hash(_DUMMY_HASH, password)
        return None
    return _account(row) if check_password_hash(row["password_hash"], password) else None


def get(store: Store, account_id: int) -> Account | None:
    """The account, or None when it does not exist or was deactivated."""
    with store.begin() as conn:
        row = q.get_admin(conn, id=account_id)
    return _account(row) if row and row["active"] else None


def all_accounts(store: Store) -> list[Account]:
    with store.begin() as conn:
        return [_account(r) for r in q.list_admins(conn)]


def update(
    store: Store,
    account_id: int,
    *,
    role: str | None = None,
    active: bool | None = None,
    password: str | None = None,
) -> Account:
    """Change an account's role, active flag or password.

    :raises AccountError: unknown account, bad role or password, or the
        change would leave no active admin (nobody could manage users).
    """
    values: dict[str, t.Any] = {}
    if role is not None:
        if role not in ROLES:
            raise AccountError(f"Role {role!r} is not one of {list(ROLES)}.")
        values["role"] = role
    if active is not None:
        values["active"] = active
    if password is not None:
        if len(password) < MIN_PASSWORD:
            raise AccountError(f"The password must have at least {MIN_PASSWORD} characters.")
        values["password_hash"] = generate_password_hash(password)
    with store.begin(write=True) as conn:
        row = q.get_admin(conn, id=account_id)
        if row is None:
            raise AccountError(f"No account with id {account_id}.")
        if values:
            q.update_admin(conn, account_id, **values)
        if q.count_admins(conn, "admin") == 0:
            raise AccountError("At least one active admin must remain.")
        row = q.get_admin(conn, id=account_id)
    assert row is not None
    return _account(row)
