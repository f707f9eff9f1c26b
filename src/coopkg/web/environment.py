"""Endpoint configuration from environment variables (production servers, ``coopkg serve``)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

#: environment variable → (config key, type)
ENVIRONMENT = {
    "COOPKG_DIST": ("DIST", str),
    "COOPKG_STORE_URL": ("STORE_URL", str),
    "COOPKG_PUBLIC_BASE_URL": ("PUBLIC_BASE_URL", str),
    "COOPKG_QUERY_TIMEOUT_SECONDS": ("QUERY_TIMEOUT_SECONDS", float),
    "COOPKG_QUERY_ROW_LIMIT": ("QUERY_ROW_LIMIT", int),
    "COOPKG_QUERY_CACHE_BYTES": ("QUERY_CACHE_BYTES", int),
    "COOPKG_QUERY_CACHE_MAX_AGE": ("QUERY_CACHE_MAX_AGE", int),
}


def config_from_environment(environ: Mapping[str, str] = os.environ) -> dict[str, Any]:
    config: dict[str, Any] = {}
    for variable, (key, kind) in ENVIRONMENT.items():
        if environ.get(variable):
            config[key] = kind(environ[variable])
    return config
