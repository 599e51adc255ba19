"""Health of the API's dependencies."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel


class ComponentHealth(BaseModel):
    ok: bool
    address: str
    detail: str | None = None


class HealthPublic(BaseModel):
    status: Literal["ok", "degraded"]
    kafka: ComponentHealth
    elasticsearch: ComponentHealth
    config_loaded: bool
