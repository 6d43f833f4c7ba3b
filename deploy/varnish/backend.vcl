# Where this Varnish finds the site, and who may purge it: the one part of
# the configuration that differs between machines. default.vcl includes it
# by name from varnishd's vcl_path, so a deployment (or a test) puts its own
# backend.vcl earlier in the path:
#
#   varnishd -a :80 -f /srv/kdr/deploy/varnish/default.vcl \
#            -p vcl_path=/etc/varnish/kdr:/srv/kdr/deploy/varnish
#
# This one is for a single machine: gunicorn on 127.0.0.1:8000, the site on
# the same machine sending its purges (CACHE_PURGE_URL=http://127.0.0.1:6081/).

backend default {
    .host = "127.0.0.1";
    .port = "8000";
    .connect_timeout = 1s;
    .first_byte_timeout = 30s;
    .between_bytes_timeout = 10s;
    # The probe decides when stale pages may stand in (default.vcl, grace):
    # only while the site does not answer it.
    .probe = {
        .url = "/robots.txt";
        .interval = 5s;
        .timeout = 2s;
        .window = 5;
        .threshold = 3;
        .initial = 3;
    }
}

# The same site without a probe: every fetch goes through it
# (default.vcl, vcl_backend_fetch), so a site too busy to answer the probe
# in time is still asked for pages; only a site that cannot be reached fails
# a fetch. Keep its address the same as the one above.
backend direct {
    .host = "127.0.0.1";
    .port = "8000";
    .connect_timeout = 1s;
    .first_byte_timeout = 30s;
    .between_bytes_timeout = 10s;
}

# The web machines that send purges (kdrama_rewind/purge.py): list every
# address the site's processes connect from, nothing else.
acl purgers {
    "127.0.0.1";
    "::1";
}
