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
