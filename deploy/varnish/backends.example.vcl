# Copy to backends.vcl beside newsportal.vcl and name your app servers (make cluster writes one).

backend app1 {
    .host = "10.0.0.11";
    .port = "8000";
    .probe = healthz;
}

backend app2 {
    .host = "10.0.0.12";
    .port = "8000";
    .probe = healthz;
}

sub vcl_init {
    new apps = directors.round_robin();
    apps.add_backend(app1);
    apps.add_backend(app2);
}

# Who may purge: the app servers (EDGE_PURGE_URLS on them names this cache).
acl purgers {
    "10.0.0.11";
    "10.0.0.12";
}

# Who may say that the visitor's connection was HTTPS (X-Forwarded-Proto): your TLS proxy in
# front of this cache. Anyone else's X-Forwarded-Proto is removed.
acl tls_proxies {
    "10.0.0.2";
}
