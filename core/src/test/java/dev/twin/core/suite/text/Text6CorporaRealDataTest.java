package dev.twin.core.suite.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The loader over the real Debian packages (installed by the loader when missing: tests run as root on CI): the
 * class sets and sizes must be what the packages' contents imply.
 */
class Text6CorporaRealDataTest {
    @Test
    void realPackagesGiveSaneTasks() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream log = new PrintStream(buf, true, StandardCharsets.UTF_8);
        List<TextTaskData> tasks = Text6Corpora.load(new DebianPackages(log), log);
        System.out.print(buf.toString(StandardCharsets.UTF_8));
        assertEquals(Text6Corpora.TASKS, tasks.stream().map(TextTaskData::name).toList());
        for (TextTaskData t : tasks) {
            for (List<TextItem> split : List.of(t.train(), t.validation(), t.test())) {
                for (TextItem it : split) {
                    String s = it.text();
                    assertTrue(!s.isBlank() && s.length() <= Text6Corpora.MAX_CHARS && s.equals(s.strip())
                            && !s.contains("  ") && !s.contains("\n") && !s.contains("\t"), t.name() + ": '" + s + "'");
                    // (a fortune may quote roff source; a parsed man description may not)
                    assertTrue(!t.name().equals("man-section") || !s.contains("\\f") && !s.contains("\\-")
                            && !s.contains("\\("), "man-section: '" + s + "'");
                }
            }
            if (!t.name().equals("man-section")) {
                assertEquals(List.of(4000, 1000, 1000), List.of(t.train().size(), t.validation().size(),
                        t.test().size()), t.name());
            }
            // every class of the task occurs in train
            int[] counts = TextTaskData.classCounts(t.train(), t.classCount());
            for (int c = 0; c < counts.length; c++) {
                assertTrue(counts[c] > 0 || t.name().equals("wn-noun"), t.name() + ": no " + t.classes().get(c));
            }
        }
        TextTaskData noun = tasks.get(0);
        assertTrue(noun.classCount() >= 20 && noun.classes().stream().allMatch(c -> c.startsWith("noun.")),
                noun.classes().toString());
        assertTrue(noun.classes().containsAll(List.of("noun.animal", "noun.artifact", "noun.person", "noun.plant")));
        TextTaskData verb = tasks.get(1);
        assertTrue(verb.classCount() >= 10 && verb.classes().stream().allMatch(c -> c.startsWith("verb.")),
                verb.classes().toString());
        assertEquals(Text6Corpora.TOPIC_FILES, tasks.get(2).classCount());
        assertEquals(List.of("de", "es", "it", "pt", "pl"), tasks.get(3).classes());
        TextTaskData man = tasks.get(4);
        assertTrue(man.classCount() >= 3 && man.classes().containsAll(List.of("2", "3", "7")), man.classes()
                .toString());
        assertTrue(man.train().size() >= 500 && man.validation().size() >= 100 && man.test().size() >= 100,
                man.summary());
        assertEquals(Text6Corpora.DEB_SECTIONS, tasks.get(5).classes());
        // "package: synopsis", with Debian's package name syntax
        assertTrue(tasks.get(5).train().stream().allMatch(i -> i.text().matches("[a-z0-9][a-z0-9.+-]+: .+")),
                tasks.get(5).train().subList(0, 5).toString());
        assertTrue(Text6Corpora.dataVersion().startsWith(Text6Corpora.DATA_VERSION + "; wordnet-base=")
                && !Text6Corpora.dataVersion().contains("=?")
                && Text6Corpora.dataVersion().matches(".*; apt index [0-9a-f]{16}"), Text6Corpora.dataVersion());
        // a well-known page's description, parsed from its roff source
        assertTrue(man.train().stream().anyMatch(i -> i.text().equals("open and possibly create a file"))
                || man.validation().stream().anyMatch(i -> i.text().equals("open and possibly create a file"))
                || man.test().stream().anyMatch(i -> i.text().equals("open and possibly create a file")));
    }
}
