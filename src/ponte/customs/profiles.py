"""The tenant's customs profile: its use cases (set it, read it, the declaring parties of its orders,
the signing material ``bootstrap`` builds its signer from). Each stages its work in the caller's unit of
work."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError as PydanticError

from ponte.accounts import service as accounts
from ponte.customs.china.profile import CustomsProfile, check_profile
from ponte.customs.errors import CustomsCode
from ponte.customs.profile_store import ProfileRepository
from ponte.kernel.errors import NotFoundError, PonteError, ValidationError, Violation
from ponte.platform.db import UnitOfWork

__all__ = [
    "ProfileView",
    "SigningMaterial",
    "get_profile",
    "profile_for",
    "profile_from",
    "put_profile",
    "signing_material",
]


@dataclass(frozen=True)
class ProfileView:
    profile: CustomsProfile
    has_signing_key: bool
    has_device_password: bool
    updated_at: datetime


@dataclass(frozen=True)
class SigningMaterial:
    """What ``bootstrap`` builds a tenant's signer from (secrets decrypted in memory only)."""

    tenant_id: str
    profile: CustomsProfile
    key_pem: str | None
    device_password: str | None
    version: datetime  # the profile's last change: a cached signer older than this is rebuilt


def put_profile(
    uow: UnitOfWork,
    tenant_id: str,
    profile: CustomsProfile,
    at: datetime,
    *,
    signing_key: str | None = None,
    device_password: str | None = None,
    check_key: Callable[[CustomsProfile, str], None] | None = None,
) -> ProfileView:
    """Validate and store the tenant's customs profile; a secret left as None keeps the stored one.

    ``check_key`` (from bootstrap) loads a software key with its certificate to refuse a pair that does
    not belong together before anything is stored."""
    problems = check_profile(profile)
    repo = ProfileRepository(uow.session, tenant_id)
    stored = repo.get()
    if profile.signing.method == "software":
        key = signing_key if signing_key is not None else (stored[1].signing_key if stored else None)
        if not key:
            problems.append(Violation("signing_key", CustomsCode.SIGNING, "a software signer needs its key"))
        elif check_key is not None and not problems:
            try:
                check_key(profile, key)
            except PonteError as exc:
                problems.extend(
                    Violation(f"signing.{v.field}", v.rule or CustomsCode.SIGNING, v.message)
                    for v in exc.violations
                )
    if problems:
        raise ValidationError.of(problems)
    row = repo.put(profile, at, key=signing_key, password=device_password)
    return ProfileView(profile, bool(row.signing_key), bool(row.device_password), row.updated_at)


def profile_from(data: Any, source: str = "profile") -> CustomsProfile:
    """A profile from a mapping (a file, a form); every broken field is named."""
    try:
        return CustomsProfile.model_validate(data)
    except PydanticError as exc:
        raise ValidationError.of(
            [
                Violation(f"{source}.{'.'.join(str(p) for p in e['loc'])}", str(e["type"]), str(e["msg"]))
                for e in exc.errors()
            ]
        ) from None


def get_profile(uow: UnitOfWork, tenant_id: str) -> ProfileView:
    found = ProfileRepository(uow.session, tenant_id).get()
    if found is None:
        raise NotFoundError("customs profile", tenant_id)
    profile, row = found
    return ProfileView(profile, bool(row.signing_key), bool(row.device_password), row.updated_at)


def profile_for(uow: UnitOfWork, tenant_id: str) -> CustomsProfile:
    """The tenant's profile with its legal identity as e-commerce enterprise where the profile names
    none; a tenant without a profile cannot declare."""
    found = ProfileRepository(uow.session, tenant_id).get()
    if found is None:
        raise ValidationError(
            "the tenant has no customs profile: PUT /customs/profile first",
            field="customs_profile",
            rule=CustomsCode.PROFILE_MISSING,
        )
    seller = accounts.seller(uow, tenant_id)
    return found[0].with_seller(seller.name, seller.uscc)


def signing_material(uow: UnitOfWork, tenant_id: str) -> SigningMaterial:
    found = ProfileRepository(uow.session, tenant_id).get()
    if found is None:
        raise ValidationError(
            "the tenant has no customs profile", field="customs_profile", rule=CustomsCode.PROFILE_MISSING
        )
    profile, row = found
    return SigningMaterial(tenant_id, profile, row.signing_key, row.device_password, row.updated_at)
