package dev.twin.deploy.service;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The keys of a SmallRye @ConfigMapping interface read from its source: prefix + kebab-case method names, nested
 * interfaces as groups, @WithName and @WithDefault honoured. Key to default value (null when there is none).
 */
public final class ConfigMappings {

    private static final Pattern PREFIX = Pattern.compile("@ConfigMapping\\(\\s*prefix\\s*=\\s*\"([^\"]+)\"");
    private static final Pattern INTERFACE = Pattern.compile("\\binterface\\s+(\\w+)[^{]*\\{");
    private static final Pattern METHOD = Pattern.compile(
            "((?:@\\w+(?:\\(\\s*\"(?:[^\"\\\\]|\\\\.)*\"\\s*\\))?\\s*)*)([\\w.]+(?:<[^;(){}]*>)?)\\s+(\\w+)\\s*\\(\\s*\\)\\s*;");
    private static final Pattern ANNOTATION = Pattern.compile("@(\\w+)(?:\\(\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*\\))?");

    private ConfigMappings() {
    }

    public static String prefix(String source, String where) {
        Matcher pm = PREFIX.matcher(stripComments(source));
        if (!pm.find()) {
            throw new IllegalArgumentException(where + ": @ConfigMapping without a prefix");
        }
        return pm.group(1);
    }

    public static Map<String, String> keys(String source, String where) {
        String src = stripComments(source);
        Matcher pm = PREFIX.matcher(src);
        if (!pm.find()) {
            throw new IllegalArgumentException(where + ": @ConfigMapping without a prefix");
        }
        Map<String, String> bodies = new HashMap<>();
        Matcher im = INTERFACE.matcher(src);
        while (im.find()) {
            bodies.put(im.group(1), topLevel(src, im.end()));
        }
        Matcher root = INTERFACE.matcher(src.substring(pm.end()));
        if (!root.find()) {
            throw new IllegalArgumentException(where + ": no interface after @ConfigMapping");
        }
        Map<String, String> out = new LinkedHashMap<>();
        collect(root.group(1), pm.group(1), bodies, out, where);
        return out;
    }

    private static void collect(String iface, String prefix, Map<String, String> bodies, Map<String, String> out, String where) {
        Matcher m = METHOD.matcher(bodies.get(iface));
        while (m.find()) {
            String name = kebab(m.group(3));
            String dflt = null;
            boolean parent = false;
            Matcher a = ANNOTATION.matcher(m.group(1));
            while (a.find()) {
                switch (a.group(1)) {
                    case "WithName" -> name = a.group(2);
                    case "WithDefault" -> dflt = a.group(2);
                    case "WithParentName" -> parent = true;
                    default -> { }
                }
            }
            String key = parent ? prefix : prefix + "." + name;
            String type = m.group(2).replaceAll("^Optional<(.*)>$", "$1");
            if (bodies.containsKey(type)) {
                collect(type, key, bodies, out, where);
            } else if (type.startsWith("Map<")) {
                out.put(key + ".*", null);
            } else {
                out.put(key, dflt);
            }
        }
    }

    /** The text of a body at brace depth 1 only (nested interface bodies left out). */
    private static String topLevel(String src, int start) {
        StringBuilder out = new StringBuilder();
        int depth = 1;
        for (int i = start; i < src.length() && depth > 0; i++) {
            char c = src.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}') {
                depth--;
                if (depth == 1) {
                    // a closed body: "x() {}" of a default method is then no "x();" key
                    out.append("{}");
                }
            } else if (depth == 1) {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String stripComments(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                int j = i + 1;
                while (j < s.length() && s.charAt(j) != '"') {
                    j += s.charAt(j) == '\\' ? 2 : 1;
                }
                out.append(s, i, Math.min(j + 1, s.length()));
                i = j;
            } else if (s.startsWith("//", i)) {
                i = s.indexOf('\n', i) < 0 ? s.length() : s.indexOf('\n', i) - 1;
            } else if (s.startsWith("/*", i)) {
                i = s.indexOf("*/", i + 2) + 1;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** maxWaitMs → max-wait-ms (SmallRye's default naming strategy). */
    public static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }
}
