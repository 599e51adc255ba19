"""The API's configuration store for tenants (with their hashed keys), queries and sources: a live
:class:`~api.config.view.ConfigView` of the compacted ``config.tenants``, ``config.queries`` and
``config.sources`` topics, with read-your-writes writes. How it reads, writes and fails:
:mod:`api.config.follower`.
"""

from __future__ import annotations

from api.config.follower import ConfigUnavailable, FollowedConfig
from api.config.view import TOPICS, ConfigView
from ecoute.config_topics import ConfigWriter
from ecoute.settings import Settings

__all__ = ["ConfigStore", "ConfigUnavailable"]


class ConfigStore(FollowedConfig[ConfigView]):
    def __init__(self, settings: Settings, writer: ConfigWriter | None = None) -> None:
        super().__init__(settings, ConfigView(), TOPICS, what="configuration", writer=writer)
