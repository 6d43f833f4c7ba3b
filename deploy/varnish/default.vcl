vcl 4.1;
# Varnish in front of K-Drama Rewind: public pages for anonymous readers
# come from here, everything else goes to the site untouched.
#
# - Cached: GET and HEAD from readers without a session, when the site says
#   so: Cache-Control "public" with a lifetime, no Set-Cookie. The lifetime
#   is the site's (Surrogate-Control: max-age=N, else Cache-Control), which
#   never runs past the next scheduled publication; without one nothing is
#   kept (not Varnish's default two minutes).
# - Passed: the admin, preview links, the newsletter's forms, the desk's
#   calendar, anything but GET and HEAD, and every request with a session
#   cookie (staff see previews at the public addresses). A reader's other
#   cookies (the CSRF cookie, analytics) mean nothing to a public page, whose
#   only form (the newsletter box) is a GET to /newsletter/, so they are
#   dropped before the cache is looked up; passed requests keep them.
# - Purged by key: each page names what it shows in Surrogate-Key
#   ("review:12 drama:3 list:front"), stored as xkey; the site then sends
#   "PURGE /" with "xkey-purge: review:12 ..." after each change
#   (kdrama_rewind/purge.py), accepted only from the purgers ACL, which
#   may also send "BAN /" to drop everything (a bulk import).
#   Purges are hard: a taken-down review must never come back, not even as
#   a stale copy while the site is down (a soft purge keeps it for grace).
# - Stale copies stand in only while the backend's probe fails, and for one
#   minute past their lifetime at most: while the site answers, an expired
#   page is fetched again before anyone sees it, so a scheduled review
#   appears on time.
# - Fetches always go to the site (backend "direct", unprobed): a site that
#   answers the probe late is busy, not down, and a miss waits for it rather
#   than failing; only a site that cannot be reached fails a fetch.
#
# backend.vcl (found on vcl_path) names the site twice (probed, and
# "direct" for fetches), the probe and the purgers ACL.

import std;
import xkey;

include "backend.vcl";

sub vcl_recv {
    # Headers only Varnish may set.
    unset req.http.X-Kdr-Pass;
    unset req.http.X-Purged;

    if (req.method == "PURGE" || req.method == "BAN") {
        if (client.ip !~ purgers) {
            return (synth(403, "Purging is not allowed from this address"));
        }
        if (req.method == "BAN") {
            # Everything at once (a bulk import): checked lazily by the
            # ban lurker, so it costs nothing up front.
            if (std.ban("obj.status != 0")) {
                return (synth(200, "Banned everything"));
            }
            return (synth(500, "Ban refused: " + std.ban_error()));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "PURGE needs an xkey-purge header naming the keys"));
        }
        set req.http.X-Purged = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Purged"));
    }

    if (req.method != "GET" && req.method != "HEAD"
        || req.url ~ "^/(admin|preview|newsletter|desk)(/|$)"
        || req.http.Authorization
        || req.http.Cookie ~ "(^|;)\s*sessionid=") {
        set req.http.X-Kdr-Pass = "1";
        return (pass);
    }
    unset req.http.Cookie;

    # Serve stale copies only when the site is down (see above).
    if (std.healthy(req.backend_hint)) {
        set req.grace = 0s;
    }
    return (hash);
}

sub vcl_backend_fetch {
    # The probe decides only whether stale copies may stand in (vcl_recv).
    # Pages are fetched from the same site unprobed (backend.vcl): under
    # load the site may answer the probe late, and a backend the probe
    # calls sick is never asked, so every miss would fail at once.
    set bereq.backend = direct;
}

sub vcl_backend_error {
    # A fetch cut off half-way (a worker killed or restarting) is asked once
    # more before readers see an error: every reader waiting on that page
    # would get the same 503. Pages are GET and HEAD only; passed requests
    # (a form's POST) are not repeated.
    if (bereq.retries == 0 && (bereq.method == "GET" || bereq.method == "HEAD")) {
        return (retry);
    }
}

sub vcl_hash {
    # Pages hold absolute links: the http and https pages differ.
    hash_data(req.http.X-Forwarded-Proto);
}

sub vcl_backend_response {
    if (beresp.http.Surrogate-Key) {
        set beresp.http.xkey = beresp.http.Surrogate-Key;
    }
    if (bereq.uncacheable) {
        return (deliver);
    }
    if (beresp.status >= 500 && bereq.is_bgfetch) {
        # Keep the stale copy rather than the error.
        return (abandon);
    }
    if (beresp.http.Surrogate-Control ~ "(?i)\bmax-age=[0-9]+") {
        set beresp.ttl = std.duration(
            regsub(beresp.http.Surrogate-Control, "(?i)^.*\bmax-age=([0-9]+).*$", "\1s"), 0s);
    } else if (beresp.http.Cache-Control !~ "(?i)\b(s-maxage|max-age)=[0-9]") {
        set beresp.ttl = 0s;
    }
    if (beresp.ttl <= 0s
        || beresp.http.Set-Cookie
        || beresp.http.Cache-Control !~ "(?i)\bpublic\b"
        || beresp.http.Cache-Control ~ "(?i)\b(private|no-store|no-cache)\b"
        || beresp.http.Surrogate-Control ~ "(?i)\bno-store\b"
        || beresp.http.Vary == "*") {
        # Remember for a few seconds that this address is not cached, so
        # requests for it go to the site at once instead of queueing.
        set beresp.ttl = 10s;
        set beresp.grace = 0s;
        set beresp.uncacheable = true;
        return (deliver);
    }
    set beresp.grace = 1m;
    set beresp.keep = 0s;
    return (deliver);
}

sub vcl_deliver {
    if (req.http.X-Kdr-Pass) {
        set resp.http.X-Cache = "PASS";
    } else if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    # For this cache only, not for readers or the caches beyond it.
    unset resp.http.xkey;
    unset resp.http.Surrogate-Key;
    unset resp.http.Surrogate-Control;
    unset resp.http.X-Varnish;
    unset resp.http.Via;
}

sub vcl_synth {
    unset resp.http.X-Varnish;
    set resp.http.Content-Type = "text/plain; charset=utf-8";
    if (req.http.X-Purged) {
        set resp.http.X-Purged = req.http.X-Purged;
    }
    set resp.body = resp.reason + {"
"};
    return (deliver);
}
