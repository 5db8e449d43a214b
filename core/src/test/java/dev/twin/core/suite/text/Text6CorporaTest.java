package dev.twin.core.suite.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole loader over hand-made package trees laid out like the Debian packages. */
class Text6CorporaTest {
    @TempDir
    Path tmp;

    /** Package name → its root directory; files are everything below it, like dpkg -L lists them. */
    private final Map<String, Path> roots = new LinkedHashMap<>();

    /** apt's index as apt-cache dumpavail prints it. */
    private final StringBuilder aptIndex = new StringBuilder();

    private final PackageSource fake = new PackageSource() {
        @Override
        public Map<String, List<Path>> filesOf(List<String> packages) {
            Map<String, List<Path>> out = new LinkedHashMap<>();
            for (String p : packages) {
                Path root = roots.get(p);
                if (root == null) {
                    throw new IllegalStateException("fake package " + p + " missing");
                }
                try (Stream<Path> s = Files.walk(root)) {
                    out.put(p, s.filter(Files::isRegularFile).sorted().toList());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return out;
        }

        @Override
        public String availablePackages() {
            return aptIndex.toString();
        }
    };

    private Path file(String pkg, String rel, String text) throws IOException {
        Path f = roots.computeIfAbsent(pkg, p -> tmp.resolve(p)).resolve(rel);
        Files.createDirectories(f.getParent());
        return Files.writeString(f, text);
    }

    private static String fortunes(List<String> texts) {
        return String.join("\n%\n", texts) + "\n%\n";
    }

    // the expected (text → class) of each task, built alongside the files
    private final Map<String, String> noun = new HashMap<>();
    private final Map<String, String> verb = new HashMap<>();
    private final Map<String, String> topic = new HashMap<>();
    private final Map<String, String> lang = new HashMap<>();
    private final Map<String, String> section = new HashMap<>();
    private final Map<String, String> debSection = new HashMap<>();

    @BeforeEach
    void packages() throws IOException {
        // wordnet-base: lexnames only as its man page, as Debian ships it
        ManPageNamesTest.gzip(roots.computeIfAbsent("wordnet-base", p -> tmp.resolve(p))
                .resolve("usr/share/man/man5/lexnames.5WN.gz"), ".TS\nl l l.\n00\tadj.all\tall adjective clusters\n"
                        + "02\tadv.all\tall adverbs\n05\tnoun.animal\tanimals\n06\tnoun.artifact\tman-made\n"
                        + "35\tverb.contact\ttouching\n38\tverb.motion\twalking\n.TE\n");
        StringBuilder nouns = new StringBuilder("  1 license header  \n");
        StringBuilder verbs = new StringBuilder("  1 license header  \n");
        for (int i = 0; i < 8; i++) {
            String lex = i % 2 == 0 ? "05" : "06";
            String def = "noun gloss " + i;
            nouns.append(String.format("%08d %s n 01 w%d 0 000 | %s; \"example %d\"  %n", i, lex, i, def, i));
            noun.put(def, i % 2 == 0 ? "noun.animal" : "noun.artifact");
            String vdef = "verb gloss " + i;
            verbs.append(String.format("%08d %s v 01 v%d 0 000 01 + 02 00 | %s  %n", i, i < 3 ? "35" : "38", i,
                    vdef));
            verb.put(vdef, i < 3 ? "verb.contact" : "verb.motion");
        }
        // the same gloss as a noun and a verb: kept in both tasks (each task de-duplicates on its own)
        nouns.append("00000100 05 n 01 run 0 000 | a shared gloss\n");
        verbs.append("00000100 38 v 01 run 0 000 | a shared gloss\n");
        noun.put("a shared gloss", "noun.animal");
        verb.put("a shared gloss", "verb.motion");
        file("wordnet-base", "usr/share/wordnet/data.noun", nouns.toString());
        file("wordnet-base", "usr/share/wordnet/data.verb", verbs.toString());
        file("wordnet-base", "usr/share/wordnet/data.adj", "00000001 00 a 01 good 0 000 | having good qualities\n"
                + "00000002 00 s 01 fine 0 000 | of high quality; \"fine wine\"\n");
        file("wordnet-base", "usr/share/wordnet/data.adv", "00000001 02 r 01 well 0 000 | in a good manner\n");

        // fortunes: nine English files with 10, 9, ..., 2 fortunes: the 8 largest are t1..t8
        for (int k = 1; k <= 9; k++) {
            List<String> texts = new ArrayList<>();
            for (int j = 0; j < 11 - k; j++) {
                String t = "English fortune " + j + " about topic " + k;
                texts.add(t.replace(" about", "\n\tabout"));
                if (k <= 8) {
                    topic.put(t, "t" + k);
                }
            }
            file("fortunes", "usr/share/games/fortunes/t" + k, fortunes(texts));
            file("fortunes", "usr/share/games/fortunes/t" + k + ".dat", "\u0000\u0002binary index");
        }
        file("fortunes", "usr/share/games/fortunes/ascii-art", fortunes(List.of("  /\\_/\\\n ( o.o )")));
        file("fortunes", "usr/share/games/fortunes/off/rude", fortunes(List.of("something offensive")));
        file("fortunes", "usr/share/doc/fortunes/copyright", "not a fortune\n%\nreally not\n");
        // English, but neither of the eight largest files: in no task
        file("fortunes-min", "usr/share/games/fortunes/riddles", fortunes(List.of("What has keys but no locks?")));
        for (String[] l : new String[][] {{"de", "de", "de/witze"}, {"es", "es", "es/vida.fortunes"},
                {"it", "it", "it/adams"}, {"pt", "br", "brasil"}, {"pl", "pl", "pl/bajki"}}) {
            List<String> texts = new ArrayList<>();
            for (int j = 0; j < 6; j++) {
                texts.add("fortune " + l[0] + " " + j);
                lang.put("fortune " + l[0] + " " + j, l[0]);
            }
            file("fortunes-" + l[1], "usr/share/games/fortunes/" + l[2], fortunes(texts));
        }
        // fortunes-it links its files into the English directory: read once, as Italian
        Path itRoot = roots.get("fortunes-it");
        Files.createSymbolicLink(itRoot.resolve("usr/share/games/fortunes/adams"), Path.of("it/adams"));

        // man pages: 20 in section 2, 21 in 7 (manpages), 20 in 3 (manpages-dev), 3 in 8 (dropped: under 20)
        Path man = roots.computeIfAbsent("manpages", p -> tmp.resolve(p)).resolve("usr/share/man");
        Path dev = roots.computeIfAbsent("manpages-dev", p -> tmp.resolve(p)).resolve("usr/share/man");
        for (Object[] s : new Object[][] {{man, "2", 20}, {man, "7", 21}, {dev, "3", 20}, {man, "8", 3}}) {
            for (int i = 0; i < (int) s[2]; i++) {
                String name = "page" + i;
                ManPageNamesTest.gzip(((Path) s[0]).resolve("man" + s[1] + "/" + name + "." + s[1] + ".gz"),
                        ".TH X " + s[1] + "\n.SH NAME\n" + name + " \\- does \\fBthing\\fR " + i + " of section "
                                + s[1] + "\n.SH SYNOPSIS\n");
                if (!s[1].equals("8")) {
                    section.put("does thing " + i + " of section " + s[1], (String) s[1]);
                }
            }
        }
        ManPageNamesTest.gzip(man.resolve("man2/alias.2.gz"), ".so man2/page1.2\n");
        Files.createSymbolicLink(man.resolve("man2/link.2.gz"), Path.of("page2.2.gz"));
        ManPageNamesTest.gzip(roots.get("manpages").resolve("usr/share/doc/manpages/changelog.gz"), "changes\n");

        // apt's index: two packages per deb-section section (one in contrib), and packages that are in no class
        for (String sec : Text6Corpora.DEB_SECTIONS) {
            for (int i = 0; i < 2; i++) {
                String pkg = sec + "-tool" + i;
                aptIndex.append("Package: ").append(pkg).append("\nVersion: 1.0-1\nDescription: does ").append(sec)
                        .append(" thing ").append(i).append("\nDescription-md5: 0123\nTag: role::program,\n")
                        .append(" use::").append(sec).append("\nSection: ").append(i == 0 ? "" : "contrib/")
                        .append(sec).append("\nPriority: optional\n\n");
                debSection.put(pkg + ": does " + sec + " thing " + i, sec);
            }
        }
        aptIndex.append("Package: python3-x\nDescription: a Python module\nSection: python\n\n")
                .append("Package: no-section\nDescription: a package without a section\n\n");
    }

    private static Map<String, String> byText(TextTaskData t) {
        Map<String, String> out = new HashMap<>();
        for (List<TextItem> split : List.of(t.train(), t.validation(), t.test())) {
            for (TextItem it : split) {
                String prev = out.put(it.text(), t.classes().get(it.label()));
                assertEquals(null, prev, "text in two splits of " + t.name() + ": " + it.text());
            }
        }
        return out;
    }

    @Test
    void everyTaskHoldsExactlyTheExpectedTexts() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        List<TextTaskData> tasks = Text6Corpora.load(fake, new PrintStream(buf, true, StandardCharsets.UTF_8));
        assertEquals(Text6Corpora.TASKS, tasks.stream().map(TextTaskData::name).toList());
        Map<String, TextTaskData> t = new HashMap<>();
        tasks.forEach(x -> t.put(x.name(), x));
        assertEquals(List.of("noun.animal", "noun.artifact"), t.get("wn-noun").classes());
        assertEquals(noun, byText(t.get("wn-noun")));
        assertEquals(List.of("verb.contact", "verb.motion"), t.get("wn-verb").classes());
        assertEquals(verb, byText(t.get("wn-verb")));
        assertEquals(List.of("t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8"), t.get("fortune-topic").classes());
        assertEquals(topic, byText(t.get("fortune-topic")));
        assertEquals(List.of("de", "es", "it", "pt", "pl"), t.get("fortune-lang").classes());
        assertEquals(lang, byText(t.get("fortune-lang")));
        assertEquals(List.of("2", "3", "7"), t.get("man-section").classes());
        assertEquals(section, byText(t.get("man-section")));
        assertEquals(Text6Corpora.DEB_SECTIONS, t.get("deb-section").classes());
        assertEquals(debSection, byText(t.get("deb-section")));
        // 61 pages: validation and test get floor(61 / 6) = 10 each
        assertEquals(List.of(41, 10, 10), List.of(t.get("man-section").train().size(),
                t.get("man-section").validation().size(), t.get("man-section").test().size()));
        String log = buf.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("skipped 1 symlinked aliases, 1 .so/no-NAME pages") && log.contains("{8=3}")
                && log.contains("loaded in"), log);
    }

    @Test
    void missingWordNetFilesNameThePackage() throws IOException {
        Files.delete(roots.get("wordnet-base").resolve("usr/share/wordnet/data.verb"));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Text6Corpora.load(fake, new PrintStream(new ByteArrayOutputStream())));
        assertTrue(e.getMessage().contains("wordnet-base") && e.getMessage().contains("data.verb")
                && e.getMessage().contains("apt-get install --reinstall wordnet-base"), e.getMessage());
    }

    @Test
    void anAptIndexWithoutADebSectionClassSaysSo() {
        String index = aptIndex.toString();
        aptIndex.setLength(0);
        aptIndex.append(index.replace("Section: video", "Section: x11").replace("Section: contrib/video",
                "Section: x11"));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Text6Corpora.load(fake, new PrintStream(new ByteArrayOutputStream())));
        assertTrue(e.getMessage().contains("none in sections [video]") && e.getMessage().contains("apt-get update"),
                e.getMessage());
    }

    @Test
    void tooFewEnglishFilesForTheTopicTask() throws IOException {
        for (int k = 3; k <= 9; k++) {
            Files.delete(roots.get("fortunes").resolve("usr/share/games/fortunes/t" + k));
        }
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Text6Corpora.load(fake, new PrintStream(new ByteArrayOutputStream())));
        assertTrue(e.getMessage().contains("fortune-topic needs 8") && e.getMessage().contains("found 3"),
                e.getMessage());
    }
}
