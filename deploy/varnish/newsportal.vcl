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
    # Pages name parts every page shows (the breaking-news line) as edge-side includes: the app
    # leaves them for us to fill from our own copy of each (newsportal/includes.py).
    set req.http.Surrogate-Capability = "edge=ESI/1.0";
    unset req.http.X-Consent-State;  # ours to compute, never the client's
    unset req.http.X-Host-Key;
    # Whether the visitor's connection was HTTPS is said by our TLS proxy, never by the client.
    if (client.ip !~ tls_proxies) {
        unset req.http.X-Forwarded-Proto;
    }
    # Each request's id, in the app's log line and in the answer (newsportal/logs.py): our TLS
    # proxy's when it set one, else this request's own number here; never the client's.
    if (client.ip !~ tls_proxies || !req.http.X-Request-Id) {
        set req.http.X-Request-Id = req.xid;
    }
    # Prometheus asks each app server itself (METRICS_ALLOWED); the metrics never go out here.
    if (req.url ~ "(?i)^/+metrics") {
        return (synth(404, "Not Found"));
    }

    if (req.method == "PURGE") {
        # From the purgers' addresses, or through the purge socket (varnishd -a purge=PATH).
        if (client.ip !~ purgers && local.socket != "purge") {
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
        # Bodies larger than the app takes are refused here, with a page (the app would close
        # the connection mid-upload, which Varnish reports as a failed fetch).
        if (std.integer(req.http.Content-Length, 0) > 16777216
            || (req.url !~ "^/admin/" && std.integer(req.http.Content-Length, 0) > 524288)) {
            return (synth(413, "Too large"));
        }
        return (pass);
    }
    # Never kept here: the admin, previews and share links, the consent endpoint, health checks
    # (in every language: /ru/preview/... too). Only these read a signed-in editor's session:
    # elsewhere every visitor gets the shared page, and a made-up sessionid gets nothing more.
    if (req.url ~ "^(/(ru|kk|uz))?/(admin|preview|consent)(/|$)" || req.url ~ "^/(healthz|readyz)") {
        return (pass);
    }

    # One cached copy per page, however it is asked for: tracking parameters (which the app
    # ignores too: newsportal/querystrings.py) are dropped, the rest sorted, and the host is
    # compared in lower case without a trailing dot (the app validates it: an unknown host
    # gets a 400, never kept).
    set req.url = regsuball(req.url,
        "([?&])(utm_[a-z]+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|mc_cid|mc_eid|igshid|_ga|_gl|ref_src)=[^&#]*",
        "\1");
    set req.url = regsuball(req.url, "([?&])&+", "\1");
    set req.url = regsub(req.url, "[?&]+$", "");
    set req.url = std.querysort(req.url);
    set req.http.X-Host-Key = regsub(std.tolower(req.http.host), "\.(:|$)", "\1");

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
    # Global Privacy Control is exactly "1" or not sent: anything else ("1" with a trailing
    # space, two headers) is removed, so the app and this cache see the same thing.
    std.collect(req.http.Sec-GPC);
    if (req.http.Sec-GPC == "1") {
        set req.http.X-Consent-State = req.http.X-Consent-State + ":gpc";
    } else {
        unset req.http.Sec-GPC;
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
    if (req.http.X-Host-Key) {
        hash_data(req.http.X-Host-Key);
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
    # Its edge-side includes filled here, private pages' too (newsportal/includes.py).
    if (beresp.http.Surrogate-Control ~ "ESI/1.0") {
        unset beresp.http.Surrogate-Control;
        set beresp.do_esi = true;
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
    # No app server answered: a page that says so, not Varnish's own.
    set beresp.http.Content-Type = "text/html; charset=utf-8";
    set beresp.http.Retry-After = "30";
    set beresp.http.Cache-Control = "no-store";
    synthetic({"<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Back in a moment</title><style>body{font:1.1rem/1.5 Georgia,serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#1a1a1a;background:#fcfbf7}h1{font-family:system-ui,sans-serif}</style><h1>Back in a moment</h1><p>The site could not answer this request just now. Please try again in a few seconds.</p><p><a href="/">Front page</a></p></html>"});
    return (deliver);
}

sub vcl_synth {
    if (resp.status == 413) {
        set resp.http.Content-Type = "text/html; charset=utf-8";
        set resp.http.Cache-Control = "no-store";
        synthetic({"<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Too large</title><style>body{font:1.1rem/1.5 Georgia,serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#1a1a1a;background:#fcfbf7}h1{font-family:system-ui,sans-serif}</style><h1>That was too large</h1><p>What was sent is larger than this site accepts. Nothing was saved.</p><p><a href="/">Front page</a></p></html>"});
        return (deliver);
    }
}

sub vcl_deliver {
    set resp.http.X-Request-Id = req.http.X-Request-Id;  # this request's, not the stored one's
    if (obj.hits > 0) {
        set resp.http.X-Edge-Cache = "hit";
    } else {
        set resp.http.X-Edge-Cache = "miss";
    }
    unset resp.http.xkey;  # for this cache only; Surrogate-Key and Cache-Tag go on to any CDN
    unset resp.http.X-Purged;
}
