package dev.twin.deploy.container;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A Containerfile as stages of instructions (continuations joined, comments dropped), with ENV parsed to a map. */
public record Containerfile(List<Stage> stages) {

    public record Instruction(String keyword, String args) {
    }

    public record Stage(String name, String from, List<Instruction> instructions) {

        public List<String> args(String keyword) {
            return instructions.stream().filter(i -> i.keyword().equals(keyword)).map(Instruction::args).toList();
        }

        /** ENV key=value pairs of the stage, later ones winning; values unquoted. */
        public Map<String, String> env() {
            Map<String, String> env = new LinkedHashMap<>();
            Matcher m = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"[^\"]*\"|\\S*)").matcher("");
            for (String a : args("ENV")) {
                m.reset(a);
                while (m.find()) {
                    String v = m.group(2);
                    env.put(m.group(1), v.startsWith("\"") ? v.substring(1, v.length() - 1) : v);
                }
            }
            return env;
        }
    }

    public static Containerfile read(Path file) {
        try {
            return parse(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Containerfile parse(String text) {
        List<String> lines = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.startsWith("#") || (line.isEmpty() && current.isEmpty())) {
                continue;
            }
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
            } else {
                lines.add(current.append(line).toString().strip());
                current.setLength(0);
            }
        }
        List<Stage> stages = new ArrayList<>();
        List<Instruction> preamble = new ArrayList<>();
        for (String l : lines) {
            if (l.isEmpty()) {
                continue;
            }
            String[] kw = l.split("\\s+", 2);
            Instruction ins = new Instruction(kw[0].toUpperCase(java.util.Locale.ROOT), kw.length > 1 ? kw[1] : "");
            if (ins.keyword().equals("FROM")) {
                Matcher m = Pattern.compile("(\\S+)(?:\\s+AS\\s+(\\S+))?", Pattern.CASE_INSENSITIVE).matcher(ins.args());
                if (!m.matches()) {
                    throw new IllegalArgumentException("FROM without an image: " + l);
                }
                stages.add(new Stage(m.group(2), m.group(1), new ArrayList<>()));
            } else if (stages.isEmpty()) {
                preamble.add(ins);
            } else {
                stages.get(stages.size() - 1).instructions().add(ins);
            }
        }
        return new Containerfile(stages);
    }

    public Stage stage(String name) {
        return stages.stream().filter(s -> name.equals(s.name())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no stage " + name));
    }
}
