package dev.twin.deploy.service;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What a service accepts as configuration, read from its files without compiling it: the default profile of
 * src/main/resources/application.properties and the keys of its @ConfigMapping interfaces (ConfigMappings), and its
 * pom (for the extensions it uses).
 */
public record ServiceConfig(String module, Map<String, String> properties, Set<String> keys, Set<String> strayKeys, String pom) {

    private static final Pattern REF = Pattern.compile("\\$\\{([^}:]+)(?::([^}]*))?}");

    public static ServiceConfig read(Path repo, String module) {
        Path dir = repo.resolve(module);
        Properties p = new Properties();
        try {
            p.load(new StringReader(Files.readString(dir.resolve("src/main/resources/application.properties"))));
            Map<String, String> properties = new LinkedHashMap<>();
            for (String k : p.stringPropertyNames()) {
                if (!k.startsWith("%")) {
                    properties.put(k, p.getProperty(k));
                }
            }
            Map<String, String> defaults = new LinkedHashMap<>();
            Set<String> prefixes = new TreeSet<>();
            try (Stream<Path> files = Files.walk(dir.resolve("src/main/java"))) {
                for (Path f : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    String src = Files.readString(f);
                    if (src.contains("@ConfigMapping(")) {
                        prefixes.add(ConfigMappings.prefix(src, f.toString()));
                        defaults.putAll(ConfigMappings.keys(src, f.toString()));
                    }
                }
            }
            // under a mapping's prefix only the mapping's keys exist; a property there that it lacks is stray
            Set<String> keys = new TreeSet<>(defaults.keySet());
            Set<String> stray = new TreeSet<>();
            for (String k : properties.keySet()) {
                boolean mapped = prefixes.stream().anyMatch(pre -> k.startsWith(pre + "."));
                if (!mapped) {
                    keys.add(k);
                } else if (!defaults.containsKey(k) && defaults.keySet().stream()
                        .noneMatch(d -> d.endsWith(".*") && k.startsWith(d.substring(0, d.length() - 1)))) {
                    stray.add(k);
                }
            }
            // a mapping default counts as the value when application.properties does not set the key
            defaults.forEach((k, v) -> {
                if (v != null) {
                    properties.putIfAbsent(k, v);
                }
            });
            return new ServiceConfig(module, properties, keys, stray, Files.readString(dir.resolve("pom.xml")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** MicroProfile Config's environment name of a key: every non-alphanumeric character becomes '_', upper case. */
    public static String envName(String key) {
        return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(java.util.Locale.ROOT);
    }

    /** The key that environment variable {@code env} sets, if the service has one. */
    public java.util.Optional<String> keyOfEnv(String env) {
        return keys.stream().filter(k -> envName(k).equals(env)).findFirst();
    }

    /** A key's effective value with the given environment applied first, ${...} expressions resolved; null if unset. */
    public String value(String key, Map<String, String> env) {
        String v = env.containsKey(envName(key)) ? env.get(envName(key)) : properties.get(key);
        if (v == null) {
            return null;
        }
        Matcher m = REF.matcher(v);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String inner = value(m.group(1), env);
            m.appendReplacement(out, Matcher.quoteReplacement(inner != null ? inner : m.group(2) != null ? m.group(2) : m.group()));
        }
        m.appendTail(out);
        return out.toString();
    }

    public int httpPort() {
        String v = properties.get("quarkus.http.port");
        return v == null ? 8080 : Integer.parseInt(v.trim());
    }

    /** Quarkus' non-application root (default /q) joined with the SmallRye Health root (default health). */
    public String healthRoot() {
        String root = "/" + properties.getOrDefault("quarkus.http.non-application-root-path", "q").replaceAll("^/|/$", "");
        String health = properties.getOrDefault("quarkus.smallrye-health.root-path", "health");
        return health.startsWith("/") ? health : root + "/" + health;
    }

    /** Where Micrometer's Prometheus registry answers (its default path under the non-application root). */
    public String metricsPath() {
        String root = "/" + properties.getOrDefault("quarkus.http.non-application-root-path", "q").replaceAll("^/|/$", "");
        String path = properties.getOrDefault("quarkus.micrometer.export.prometheus.path", "metrics");
        return path.startsWith("/") ? path : root + "/" + path;
    }

    public Duration shutdownTimeout() {
        String v = properties.get("quarkus.shutdown.timeout");
        return v == null ? Duration.ZERO : Duration.parse("PT" + v.trim().toUpperCase(java.util.Locale.ROOT));
    }

    public boolean uses(String artifactId) {
        return pom.contains("<artifactId>" + artifactId + "</artifactId>");
    }

    /** The incoming and outgoing messaging channels: channel name to its "topic" and "group.id" attributes. */
    public List<Channel> channels(Map<String, String> env) {
        Set<String> names = new TreeSet<>();
        Pattern p = Pattern.compile("mp\\.messaging\\.(incoming|outgoing)\\.([^.]+)\\.connector");
        for (String k : properties.keySet()) {
            Matcher m = p.matcher(k);
            if (m.matches()) {
                names.add(m.group(1) + "." + m.group(2));
            }
        }
        return names.stream().map(n -> {
            String prefix = "mp.messaging." + n + ".";
            String topic = value(prefix + "topic", env);
            return new Channel(n, topic != null ? topic : n.substring(n.indexOf('.') + 1),
                    value(prefix + "group.id", env), n.startsWith("incoming."));
        }).toList();
    }

    public record Channel(String name, String topic, String groupId, boolean incoming) {
    }
}
