"""FastAPI dependencies: settings and clients live on ``app.state`` (created in the lifespan)."""

from __future__ import annotations

from typing import Annotated

from elasticsearch import Elasticsearch
from fastapi import Depends, Request

from ecoute.settings import Settings


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_es(request: Request) -> Elasticsearch:
    es: Elasticsearch = request.app.state.es
    return es


SettingsDep = Annotated[Settings, Depends(get_settings)]
EsDep = Annotated[Elasticsearch, Depends(get_es)]
