package dev.twin.router.dashboard;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/** A metrics endpoint the dashboard reads: its display name and URL. */
record ScrapeTarget(String name, URI url) {

    /** Parses {@code name=url} or a bare {@code url} (named host:port); a bad entry is an error naming it. */
    static ScrapeTarget parse(String entry) {
        String e = entry.strip();
        int eq = e.indexOf('=');
        int scheme = e.indexOf("://");
        String name = eq > 0 && (scheme < 0 || eq < scheme) ? e.substring(0, eq).strip() : null;
        String url = name == null ? e : e.substring(eq + 1).strip();
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException("twin.router.dashboard.scrape entry '" + entry + "' is not name=url: "
                    + ex.getMessage(), ex);
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("twin.router.dashboard.scrape entry '" + entry
                    + "' needs an http(s) URL with a host, e.g. merger=http://127.0.0.1:9300/q/metrics");
        }
        return new ScrapeTarget(name != null && !name.isEmpty() ? name : uri.getHost() + ":" + uri.getPort(), uri);
    }

    static List<ScrapeTarget> parseAll(List<String> entries) {
        List<ScrapeTarget> out = new ArrayList<>();
        for (String e : entries) {
            if (!e.isBlank()) {
                out.add(parse(e));
            }
        }
        return out;
    }
}
