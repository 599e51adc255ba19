"""Tenants, API keys and the caller's identity."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from schemas.config import TENANT_PATTERN

Scope = Literal["read", "write"]


class TenantCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"id": "agence-lumiere", "name": "Laiterie Bonval"}]}
    )

    id: str = Field(pattern=TENANT_PATTERN, description="lower-case slug, unique")
    name: str = Field(default="", max_length=200)


class TenantUpdate(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"name": "Laiterie Bonval SA"}]}
    )

    name: str = Field(max_length=200)


class ApiKeyPublic(BaseModel):
    id: str
    tenant: str
    name: str
    scope: Scope
    created_at: datetime
    revoked_at: datetime | None = None


class TenantPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "agence-lumiere",
                    "name": "Laiterie Bonval",
                    "created_at": "2026-11-20T10:00:00Z",
                    "updated_at": "2026-11-22T08:05:00Z",
                    "keys": [],
                }
            ]
        }
    )

    id: str
    name: str
    created_at: datetime
    updated_at: datetime
    keys: list[ApiKeyPublic] = Field(default_factory=list)


class ApiKeyCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"name": "CM dashboard", "scope": "write"}]}
    )

    name: str = Field(default="", max_length=200)
    scope: Scope = "read"


class ApiKeyCreated(ApiKeyPublic):
    """The new key, with its token — shown this once only; store it in a secret manager."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "7f3a9c2e1b04",
                    "tenant": "agence-lumiere",
                    "name": "CM dashboard",
                    "scope": "write",
                    "created_at": "2026-11-22T08:00:00Z",
                    "revoked_at": None,
                    "token": "ek_7f3a9c2e1b04_Zb3…",
                }
            ]
        }
    )

    token: str = Field(description="send as `Authorization: Bearer <token>`")


class MePublic(BaseModel):
    """Who the presented key is."""

    role: Literal["admin", "tenant"]
    tenant: str | None = None
    key_id: str | None = None
    scope: Scope | None = None
