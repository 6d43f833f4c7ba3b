import gc
import os
import sys

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kdrama_rewind.settings")

application = get_wsgi_application()

# A WSGI server is production: debug pages there would show settings and
# tracebacks to anyone. Only the development server may run with DEBUG on.
from django.conf import settings  # noqa: E402

if settings.DEBUG and sys.argv[1:2] != ["runserver"]:
    raise ImproperlyConfigured(
        "DJANGO_DEBUG=1 is for manage.py runserver only: "
        "set DJANGO_DEBUG=0 (with DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS) to serve the site."
    )

# What is loaded by now (Django, the apps, their models and admin, the
# middleware) lives as long as the process. Frozen, it is left out of the
# garbage collector's full collections, which walked it all: about one
# request in 200 waited 80-86 ms for one (the quotes index at 100,000
# reviews), and now waits 8-24 ms.
gc.freeze()
