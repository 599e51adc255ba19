"""Dashboard widgets for the caller's tenant; each takes the same filters as the search."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from elasticsearch import Elasticsearch
from fastapi import APIRouter, Query

from api.deps import EsDep, SettingsDep, StoreDep, TenantRead
from api.es_io import search, tenant_index
from api.models.common import error_responses
from api.models.dashboards import (
    AuthorsPublic,
    EntitiesPublic,
    LanguagesPublic,
    SentimentPublic,
    ShareOfVoicePublic,
    ShareParams,
    SourcesPublic,
    TimeParams,
    TopParams,
    VolumePublic,
)
from api.models.mentions import MentionFilters
from api.routes.mentions import parse_q
from api.services import dashboards as logic
from api.services.search import build_query

router = APIRouter(prefix="/v1/dashboards", tags=["dashboards"])
ERRORS = error_responses(401, 404, 422, 503)


def _query(params: MentionFilters, tenant: str) -> dict[str, Any]:
    return build_query(params, tenant, parse_q(params.q))


def _aggs(es: Elasticsearch, index: str, query: dict[str, Any], aggs: dict[str, Any]) -> dict[str, Any]:
    return search(es, index, {"query": query, "size": 0, "aggs": aggs, "track_total_hits": True})


def _range(
    es: Elasticsearch, index: str, query: dict[str, Any], p: TimeParams
) -> tuple[datetime, datetime] | None:
    """The time range to chart: the requested one, completed by the data's first/last mention."""
    if p.since and p.until:
        return p.since, p.until
    found = logic.parse_bounds(_aggs(es, index, query, logic.bounds_aggs())["aggregations"])
    if found is None:
        return None
    return p.since or found[0], p.until or found[1]


def _histogram(
    es: Elasticsearch, index: str, query: dict[str, Any], p: TimeParams, sub: dict[str, Any] | None
) -> tuple[str, dict[str, Any] | None]:
    bounds = _range(es, index, query, p)
    if bounds is None:
        return (p.interval if p.interval != "auto" else "1d"), None
    interval = logic.pick_interval(p.interval, *bounds)
    return interval, _aggs(es, index, query, logic.histogram(interval, *bounds, sub))


_EMPTY: dict[str, Any] = {"hits": {"total": {"value": 0}}, "aggregations": {"histogram": {"buckets": []}}}


@router.get("/volume", response_model=VolumePublic, responses=ERRORS)
def volume(
    params: Annotated[TimeParams, Query()], tenant: TenantRead, es: EsDep, settings: SettingsDep
) -> VolumePublic:
    """Mentions over time (auto interval: at most ~100 buckets)."""
    interval, resp = _histogram(es, tenant_index(settings), _query(params, tenant), params, None)
    return logic.parse_volume(interval, resp or _EMPTY)


@router.get("/sentiment", response_model=SentimentPublic, responses=ERRORS)
def sentiment(
    params: Annotated[TimeParams, Query()], tenant: TenantRead, es: EsDep, settings: SettingsDep
) -> SentimentPublic:
    """Negative / neutral / positive split over time."""
    index, query = tenant_index(settings), _query(params, tenant)
    interval, resp = _histogram(es, index, query, params, logic.sentiment_sub())
    return logic.parse_sentiment(interval, resp or _EMPTY)


@router.get("/share-of-voice", response_model=ShareOfVoicePublic, responses=ERRORS)
def share_of_voice(
    params: Annotated[ShareParams, Query()],
    tenant: TenantRead,
    es: EsDep,
    settings: SettingsDep,
    store: StoreDep,
) -> ShareOfVoicePublic:
    """Share of voice between queries (a brand and its competitors)."""
    names = store.read(lambda v: {qid: q.name for (t, qid), q in v.queries.items() if t == tenant})
    compared = list(dict.fromkeys(params.compare)) or sorted(names)
    query = _query(params.model_copy(update={"query_id": compared}) if compared else params, tenant)
    resp = _aggs(es, tenant_index(settings), query, logic.share_aggs(compared) if compared else {})
    return logic.parse_share(compared, names, resp)


@router.get("/authors", response_model=AuthorsPublic, responses=ERRORS)
def authors(
    params: Annotated[TopParams, Query()], tenant: TenantRead, es: EsDep, settings: SettingsDep
) -> AuthorsPublic:
    """Top authors by volume and by reach; ambassadors and detractors by sentiment balance."""
    resp = _aggs(es, tenant_index(settings), _query(params, tenant), logic.authors_aggs(params.size))
    return logic.parse_authors(params.size, resp["aggregations"])


@router.get("/sources", response_model=SourcesPublic, responses=ERRORS)
def sources(
    params: Annotated[TopParams, Query()], tenant: TenantRead, es: EsDep, settings: SettingsDep
) -> SourcesPublic:
    """Top sites, sources and source types."""
    aggs = logic.terms_aggs(logic.SOURCE_FIELDS, params.size)
    resp = _aggs(es, tenant_index(settings), _query(params, tenant), aggs)
    return logic.parse_sources(resp["aggregations"])


@router.get("/languages", response_model=LanguagesPublic, responses=ERRORS)
def languages(
    params: Annotated[TopParams, Query()], tenant: TenantRead, es: EsDep, settings: SettingsDep
) -> LanguagesPublic:
    """Mentions per language."""
    aggs = logic.terms_aggs({"languages": "lang"}, params.size)
    return logic.parse_languages(_aggs(es, tenant_index(settings), _query(params, tenant), aggs))


@router.get("/entities", response_model=EntitiesPublic, responses=ERRORS)
def entities(
    params: Annotated[TopParams, Query()], tenant: TenantRead, es: EsDep, settings: SettingsDep
) -> EntitiesPublic:
    """Top hashtags, handles, persons, organisations and places."""
    aggs = logic.terms_aggs(logic.ENTITY_FIELDS, params.size)
    resp = _aggs(es, tenant_index(settings), _query(params, tenant), aggs)
    return logic.parse_entities(resp["aggregations"])
