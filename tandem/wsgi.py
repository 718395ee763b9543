"""The WSGI entry point (gunicorn: `tandem.wsgi`, one import per worker).

Before the first request, the URLconf is loaded (it imports every view, serializer and
form, as the first request would) and everything loaded so far is moved out of the cycle
collector's reach (`gc.freeze()`): those ~160,000 module-level objects live as long as the
process, yet each full collection walked all of them, about 90 ms of CPU charged to
whichever request happened to trigger it, every few hundred requests. Frozen, a full
collection walks the few thousand objects requests made since, a few milliseconds. Young
collections are unchanged; nothing that becomes garbage later is kept.
"""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.settings.production")
application = get_wsgi_application()

get_resolver().url_patterns  # noqa: B018 (imports the URLconf and everything it names)
gc.collect()  # what start-up left as garbage is freed, not frozen
gc.freeze()
