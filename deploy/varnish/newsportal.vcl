vcl 4.1;
# The portal's edge cache (README, "Deploying"). Pages are shared by every visitor in the same
# consent state, purged by key the moment an edit commits (xkey), and served stale while the app
# servers are down. What a deployment changes (app servers, who may purge) is in backends.vcl.

import std;
import directors;
import xkey;

# An app server is healthy while /healthz answers (it touches nothing but the process).
probe healthz {
    .url = "/healthz";
    .interval = 1s;
    .timeout = 2s;
    .window = 3;
    .threshold = 2;
}

# Defines the backends, `apps` (a director over them, in vcl_init) and the `purgers` ACL.
include "backends.vcl";

sub vcl_recv {
    set req.backend_hint = apps.backend();
    unset req.http.X-Consent-State;  # ours to compute, never the client's

    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Not allowed to purge"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "No keys to purge"));
        }
        # A hard purge: nothing of what changed is served again, not even while refetching.
        set req.http.X-Purged = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Purged " + req.http.X-Purged + " objects"));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # Never kept here: the admin, previews and share links, the consent endpoint, health checks
    # (in every language: /ru/preview/... too).
    if (req.url ~ "^(/(ru|kk|uz))?/(admin|preview|consent)(/|$)" || req.url ~ "^/(healthz|readyz)") {
        return (pass);
    }
    # A signed-in editor's pages are theirs alone.
    if (req.http.Cookie ~ "(^|;\s*)sessionid=") {
        return (pass);
    }

    # Pages depend on the consent state only: the decision in the consent cookie (its policy
    # version and granted categories, never the visitor's id) and Global Privacy Control. The
    # app computes the same string (newsportal/consent/state.py page_variant) and marks its
    # answer private when the cookie is forged, so a forged cookie never poisons the cache.
    if (req.http.Cookie ~ "(^|;\s*)consent=") {
        set req.http.X-Consent-State = regsub(req.http.Cookie,
            {"^(?:.*;\s*)?consent="?([0-9]+)\.[^.;"]*\.([a-z0-9_+-]*):[^;]*(?:;.*)?$"}, "v\1:\2");
        if (req.http.X-Consent-State !~ "^v[0-9]+:[a-z0-9_+-]*$") {
            set req.http.X-Consent-State = "unreadable";
        }
        # The only cookie the app needs to render a shared page.
        set req.http.Cookie = regsub(req.http.Cookie, {"^(?:.*;\s*)?(consent=[^;]*).*$"}, "\1");
    } else {
        set req.http.X-Consent-State = "none";
        unset req.http.Cookie;
    }
    if (req.http.Sec-GPC == "1") {
        set req.http.X-Consent-State = req.http.X-Consent-State + ":gpc";
    }

    # Fresh pages while the app servers answer (10 s of grace to refresh in the background);
    # while they are down, stale pages for up to beresp.grace.
    if (std.healthy(req.backend_hint)) {
        set req.grace = 10s;
    }
    return (hash);
}

sub vcl_hash {
    hash_data(req.url);
    if (req.http.host) {
        hash_data(req.http.host);
    } else {
        hash_data(server.ip);
    }
    hash_data(req.http.X-Consent-State);
    return (lookup);
}

sub vcl_backend_response {
    # While the app servers fail, keep serving the stale copy instead of the error.
    if (beresp.status >= 500 && bereq.is_bgfetch) {
        return (abandon);
    }
    # Only what the app marks public is kept (pages carry s-maxage, hashed static files a year);
    # errors, private pages and anything setting a cookie are fetched afresh each time (a short
    # hit-for-miss marker, so a page that was private a moment ago is soon cacheable again).
    if (beresp.http.Cache-Control !~ "public" || beresp.http.Cache-Control ~ "private|no-store|no-cache"
        || beresp.http.Set-Cookie) {
        set beresp.uncacheable = true;
        set beresp.ttl = 0.2s;
        return (deliver);
    }
    # The consent state is in the hash: Vary on Cookie or Sec-GPC would split it per visitor.
    if (beresp.http.Vary) {
        set beresp.http.Vary = regsuball(beresp.http.Vary, "(?i)\s*\b(Cookie|Sec-GPC)\b\s*,?", "");
        set beresp.http.Vary = regsub(beresp.http.Vary, "[\s,]+$", "");
        if (beresp.http.Vary == "") {
            unset beresp.http.Vary;
        }
    }
    set beresp.grace = 6h;
    return (deliver);
}

sub vcl_backend_error {
    if (bereq.is_bgfetch) {
        return (abandon);
    }
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Edge-Cache = "hit";
    } else {
        set resp.http.X-Edge-Cache = "miss";
    }
    unset resp.http.xkey;  # for this cache only; Surrogate-Key and Cache-Tag go on to any CDN
    unset resp.http.X-Purged;
}
