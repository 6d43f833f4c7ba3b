"""Compression of public pages, and of nothing else.

Compressing a response that holds a secret (a CSRF token, anything for a
signed-in user) next to text an attacker can put in it lets the attacker
read the secret from the compressed size (BREACH). The pages of views marked
``public_page`` carry no secret when served to an anonymous reader without
setting a cookie, so those are gzipped here; everything else (the admin,
forms, staff pages) goes out as it is. Static files are compressed ahead of
time by WhiteNoise. A proxy or CDN in front that compresses may do the same
for those public pages and should leave the rest alone.
"""

from django.middleware.gzip import GZipMiddleware


class PublicPageGZipMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        match = getattr(request, "resolver_match", None)
        if match is None or not getattr(match.func, "public_page", False):
            return response
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or response.cookies:
            return response
        return super().process_response(request, response)
