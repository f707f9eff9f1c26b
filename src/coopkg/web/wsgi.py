"""The WSGI entry point for production servers, configured from the environment.

    COOPKG_DIST=dist COOPKG_PUBLIC_BASE_URL=https://example.org/coopkg/ \\
        gunicorn --preload --workers 2 --bind 127.0.0.1:8000 coopkg.web.wsgi:app

    COOPKG_DIST=dist granian --interface wsgi --workers 2 --http 1 --respawn-failed-workers \\
        --respawn-interval 0.5 --no-ws --port 8000 coopkg.web.wsgi:app

``--preload`` (gunicorn) opens the store once in the master; workers share it copy-on-write
and a worker replaced after a query overran its time limit starts answering at once.
"""

from __future__ import annotations

from . import create_app
from .environment import config_from_environment

app = create_app(config_from_environment())
