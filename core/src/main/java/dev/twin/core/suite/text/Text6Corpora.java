package dev.twin.core.suite.text;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The raw data of the text-6 suite: six text classification tasks read from Debian packages (WordNet glosses,
 * fortunes, man page NAME lines) and apt's package index (one-line package descriptions), each with fixed, disjoint,
 * seeded train/validation/test splits. No two tasks draw their inputs from the same pool, so a router can tell by the
 * input which task it belongs to (noun vs verb glosses, English vs other fortunes, man pages vs packages).
 */
public final class Text6Corpora {
    public static final String WORDNET = "wordnet-base";
    public static final String FORTUNES = "fortunes";
    /** Installed with {@value #FORTUNES} (its dependency): holds the English files fortunes, literature, riddles. */
    public static final String FORTUNES_MIN = "fortunes-min";
    public static final String MANPAGES = "manpages";
    public static final String MANPAGES_DEV = "manpages-dev";
    /** English fortunes: fortune-topic's inputs. */
    public static final List<String> ENGLISH_FORTUNES = List.of(FORTUNES, FORTUNES_MIN);
    /**
     * The fortune packages per language, in fortune-lang's class order: no English, so that fortune-lang's inputs
     * are not fortune-topic's (fortunes-br is Brazilian Portuguese).
     */
    public static final Map<String, List<String>> FORTUNE_LANGUAGES = orderedLanguages();
    public static final List<String> PACKAGES = List.of(WORDNET, FORTUNES, FORTUNES_MIN, "fortunes-de", "fortunes-es",
            "fortunes-it", "fortunes-br", "fortunes-pl", MANPAGES, MANPAGES_DEV);

    public static final List<String> TASKS = List.of("wn-noun", "wn-verb", "fortune-topic", "fortune-lang",
            "man-section", "deb-section");
    /**
     * deb-section's classes: apt sections named by what the software does (not by its programming language, as
     * python or perl are, nor by its packaging, as libs or doc are), each with 200+ packages in Debian 12 main.
     */
    public static final List<String> DEB_SECTIONS = List.of("admin", "database", "editors", "games", "graphics",
            "mail", "math", "net", "science", "sound", "text", "video", "web");

    public static final int MAX_CHARS = 400;
    public static final int MAX_TRAIN = 4000;
    public static final int MAX_VALIDATION = 1000;
    public static final int MAX_TEST = 1000;
    /** fortune-topic's classes: this many English fortune files with the most fortunes. */
    public static final int TOPIC_FILES = 8;
    /**
     * man-section keeps sections with at least this many described pages: manpages 6.03 has 1, 8 and 11 in sections
     * 6, 8 and 1 (too few to learn from or test on, with a sixth of them in test) and 29 to 627 in 4, 5, 7, 2, 3.
     */
    public static final int MIN_SECTION_PAGES = 20;
    public static final long DEFAULT_SEED = 0;

    /**
     * Everything in code that decides the splits (the package files' versions aside): part of the trained-model
     * cache key, so bump it whenever parsing, filtering, caps or seeds change.
     */
    public static final String DATA_VERSION = "text-6/v2: splits 4000/1000/1000 seed 0, 400 chars, dedup drop"
            + " ambiguous, gloss cut at first example, 8 topic files, fortune-lang de/es/it/pt/pl, man sections >= 20"
            + " pages, no symlink/.so pages, deb-section 'package: synopsis' in 13 sections";

    private Text6Corpora() {
    }

    /**
     * {@link #DATA_VERSION}, the installed packages' versions and a digest of apt's package index: what a
     * trained-model cache key should hold.
     */
    public static String dataVersion() {
        return DATA_VERSION + "; " + DebianPackages.versions(PACKAGES) + "; apt index " + DebianPackages.indexVersion();
    }

    private static Map<String, List<String>> orderedLanguages() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put("de", List.of("fortunes-de"));
        m.put("es", List.of("fortunes-es"));
        m.put("it", List.of("fortunes-it"));
        m.put("pt", List.of("fortunes-br"));
        m.put("pl", List.of("fortunes-pl"));
        return m;
    }

    /** The six tasks with {@link #DEFAULT_SEED}, in {@link #TASKS} order. */
    public static List<TextTaskData> load(PackageSource source, PrintStream log) {
        return load(source, DEFAULT_SEED, log);
    }

    /**
     * The six tasks, in {@link #TASKS} order: reads the packages' files (source installs or names them), logging the
     * files used, what was skipped, the class counts and the time taken.
     */
    public static List<TextTaskData> load(PackageSource source, long seed, PrintStream log) {
        long t0 = System.nanoTime();
        Map<String, List<Path>> files = source.filesOf(PACKAGES);
        TextSplitter splitter = new TextSplitter(MAX_CHARS, MAX_TRAIN, MAX_VALIDATION, MAX_TEST);
        List<TextTaskData> tasks = new ArrayList<>();
        tasks.addAll(wordNetTasks(files.get(WORDNET), splitter, seed, log));
        tasks.addAll(fortuneTasks(files, splitter, seed, log));
        tasks.add(manSectionTask(concat(files.get(MANPAGES), files.get(MANPAGES_DEV)), splitter, seed, log));
        tasks.add(debSectionTask(AptIndex.parse(source.availablePackages()), splitter, seed, log));
        for (TextTaskData t : tasks) {
            log.println("  " + t.summary());
        }
        log.printf("text-6 corpora loaded in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        return tasks;
    }

    /** wn-noun and wn-verb from wordnet-base's data.noun and data.verb files and its lexnames table. */
    static List<TextTaskData> wordNetTasks(List<Path> files, TextSplitter splitter, long seed, PrintStream log) {
        Path lexnamesFile = files.stream().filter(p -> p.getFileName().toString().equals("lexnames")).findFirst()
                .or(() -> files.stream().filter(p -> p.getFileName().toString().startsWith("lexnames.")).findFirst())
                .orElseThrow(() -> missing(WORDNET, "lexnames (or its man page lexnames.5WN.gz)", files));
        Map<Integer, String> lexnames = WordNetGlosses.lexnames(lexnamesFile);
        Map<String, List<WordNetGlosses.Synset>> byPos = new LinkedHashMap<>();
        for (String pos : List.of("noun", "verb")) {
            Path data = named(files, "data." + pos, WORDNET);
            byPos.put(pos, WordNetGlosses.read(data));
            log.println("  " + data + ": " + byPos.get(pos).size() + " glosses");
        }
        log.println("  " + lexnamesFile + ": " + lexnames.size() + " lexicographer files");
        List<TextTaskData> out = new ArrayList<>();
        out.add(categoryTask("wn-noun", "noun.", byPos.get("noun"), lexnames, splitter, seed));
        out.add(categoryTask("wn-verb", "verb.", byPos.get("verb"), lexnames, splitter, seed));
        return out;
    }

    /** A gloss → lexicographer category task; every synset's file must be named with the given prefix. */
    private static TextTaskData categoryTask(String task, String prefix, List<WordNetGlosses.Synset> synsets,
            Map<Integer, String> lexnames, TextSplitter splitter, long seed) {
        List<LabelledText> texts = new ArrayList<>();
        Set<String> classes = new TreeSet<>();
        for (WordNetGlosses.Synset s : synsets) {
            String name = lexnames.get(s.lexFile());
            if (name == null || !name.startsWith(prefix)) {
                throw new IllegalArgumentException(task + ": lexicographer file " + s.lexFile() + " of gloss '"
                        + s.definition() + "' is " + (name == null ? "not in lexnames" : name) + ", want " + prefix
                        + "*");
            }
            classes.add(name);
            texts.add(new LabelledText(s.definition(), name, "lexicographer file " + s.lexFile()));
        }
        return splitter.split(task, List.copyOf(classes), texts, seed);
    }

    /** fortune-topic (the English files with the most fortunes) and fortune-lang (the other languages). */
    static List<TextTaskData> fortuneTasks(Map<String, List<Path>> files, TextSplitter splitter, long seed,
            PrintStream log) {
        Set<Path> seen = new LinkedHashSet<>(); // real paths: fortunes-it links its files into the English directory
        Map<String, Map<Path, List<String>>> byLanguage = new LinkedHashMap<>();
        Map<String, List<String>> all = new LinkedHashMap<>();
        all.put("en", ENGLISH_FORTUNES); // first: fortunes-it's links into the English directory are then Italian
        all.putAll(FORTUNE_LANGUAGES);
        for (Map.Entry<String, List<String>> lang : all.entrySet()) {
            Map<Path, List<String>> fortunes = new TreeMap<>();
            for (String pkg : lang.getValue()) {
                List<Path> pkgFiles = files.get(pkg);
                if (pkgFiles == null) {
                    throw new IllegalStateException("no file list for package " + pkg);
                }
                for (Path f : pkgFiles) {
                    if (FortuneFiles.isFortuneFile(f) && seen.add(realPath(f))) {
                        fortunes.put(f, FortuneFiles.read(f));
                    }
                }
            }
            if (fortunes.isEmpty()) {
                throw missing(String.join(", ", lang.getValue()), "fortune files (under a fortunes directory)",
                        lang.getValue().stream().flatMap(p -> files.get(p).stream()).toList());
            }
            int count = fortunes.values().stream().mapToInt(List::size).sum();
            log.println("  " + lang.getKey() + " fortunes: " + fortunes.size() + " files, " + count + " fortunes in "
                    + fortunes.keySet().stream().map(Path::getParent).distinct().toList());
            byLanguage.put(lang.getKey(), fortunes);
        }
        List<TextTaskData> out = new ArrayList<>();
        out.add(fortuneTopicTask(byLanguage.remove("en"), splitter, seed, log));
        List<LabelledText> lang = new ArrayList<>();
        byLanguage.forEach((language, fortunes) -> fortunes.forEach((file, texts) -> texts.forEach(
                t -> lang.add(new LabelledText(t, language, file.toString())))));
        out.add(splitter.split("fortune-lang", List.copyOf(FORTUNE_LANGUAGES.keySet()), lang, seed));
        return out;
    }

    /** The {@link #TOPIC_FILES} files with the most fortunes (ties by name) → classes named by file, sorted. */
    static TextTaskData fortuneTopicTask(Map<Path, List<String>> english, TextSplitter splitter, long seed,
            PrintStream log) {
        if (english.size() < TOPIC_FILES) {
            throw new IllegalStateException("fortune-topic needs " + TOPIC_FILES + " English fortune files, found "
                    + english.size() + ": " + english.keySet());
        }
        List<Path> largest = english.keySet().stream()
                .sorted(Comparator.comparingInt((Path p) -> -english.get(p).size())
                        .thenComparing(p -> p.getFileName().toString()))
                .limit(TOPIC_FILES).toList();
        Map<String, Path> topics = new TreeMap<>();
        for (Path p : largest) {
            Path prev = topics.put(FortuneFiles.topic(p), p);
            if (prev != null) {
                throw new IllegalStateException("fortune-topic: two files are called " + FortuneFiles.topic(p) + ": "
                        + prev + " and " + p);
            }
        }
        log.println("  fortune-topic files: " + largest.stream().map(p -> FortuneFiles.topic(p) + "="
                + english.get(p).size()).toList());
        List<LabelledText> texts = new ArrayList<>();
        topics.forEach((topic, file) -> english.get(file).forEach(
                t -> texts.add(new LabelledText(t, topic, file.toString()))));
        return splitter.split("fortune-topic", List.copyOf(topics.keySet()), texts, seed);
    }

    /**
     * man-section from the pages' NAME descriptions: one item per page; symbolic links and ".so" pages are aliases
     * of another page and skipped; sections with fewer than {@link #MIN_SECTION_PAGES} pages are dropped.
     */
    static TextTaskData manSectionTask(List<Path> files, TextSplitter splitter, long seed, PrintStream log) {
        Map<String, List<LabelledText>> bySection = new TreeMap<>();
        int links = 0;
        int noDescription = 0;
        for (Path f : files) {
            Optional<String> section = ManPageNames.section(f);
            if (section.isEmpty()) {
                continue; // not a page (documentation, changelogs)
            }
            if (Files.isSymbolicLink(f)) {
                links++;
                continue;
            }
            Optional<String> description = ManPageNames.description(TextFiles.read(f));
            if (description.isEmpty()) {
                noDescription++;
                continue;
            }
            bySection.computeIfAbsent(section.get(), s -> new ArrayList<>())
                    .add(new LabelledText(description.get(), section.get(), f.toString()));
        }
        Map<String, Integer> dropped = new TreeMap<>();
        List<LabelledText> texts = new ArrayList<>();
        List<String> classes = new ArrayList<>();
        bySection.forEach((section, pages) -> {
            if (pages.size() >= MIN_SECTION_PAGES) {
                classes.add(section);
                texts.addAll(pages);
            } else {
                dropped.put(section, pages.size());
            }
        });
        log.println("  man pages: " + texts.size() + " kept in sections " + classes + "; skipped " + links
                + " symlinked aliases, " + noDescription + " .so/no-NAME pages; sections under " + MIN_SECTION_PAGES
                + " pages dropped: " + dropped);
        if (classes.size() < 2) {
            throw new IllegalStateException("man-section: fewer than 2 sections have " + MIN_SECTION_PAGES
                    + " pages with a NAME description (pages per section: " + bySection.entrySet().stream()
                            .map(e -> e.getKey() + "=" + e.getValue().size()).toList() + ")");
        }
        return splitter.split("man-section", classes, texts, seed);
    }

    /**
     * deb-section: "package: one-line description" → apt section, for the packages of apt's index in
     * {@link #DEB_SECTIONS}; a description shared by packages of two sections is dropped by the splitter.
     */
    static TextTaskData debSectionTask(List<AptIndex.Entry> index, TextSplitter splitter, long seed, PrintStream log) {
        Set<String> wanted = Set.copyOf(DEB_SECTIONS);
        Map<String, Integer> counts = new TreeMap<>();
        List<LabelledText> texts = new ArrayList<>();
        for (AptIndex.Entry e : index) {
            if (wanted.contains(e.section())) {
                texts.add(new LabelledText(e.pkg() + ": " + e.synopsis(), e.section(), "package " + e.pkg()));
                counts.merge(e.section(), 1, Integer::sum);
            }
        }
        log.println("  apt index: " + index.size() + " packages, " + texts.size() + " in deb-section's sections "
                + counts);
        List<String> empty = DEB_SECTIONS.stream().filter(s -> !counts.containsKey(s)).toList();
        if (!empty.isEmpty()) {
            throw new IllegalStateException("deb-section: apt's package index (" + index.size() + " packages) has "
                    + "none in sections " + empty + "; is apt set up for Debian main? refresh it with: sudo apt-get "
                    + "update");
        }
        return splitter.split("deb-section", DEB_SECTIONS, texts, seed);
    }

    private static Path named(List<Path> files, String name, String pkg) {
        return files.stream().filter(p -> p.getFileName().toString().equals(name)).findFirst()
                .orElseThrow(() -> missing(pkg, name, files));
    }

    private static IllegalStateException missing(String pkg, String what, List<Path> files) {
        return new IllegalStateException("package " + pkg + " provides no " + what + " (its " + files.size()
                + " files: " + files.stream().limit(12).toList() + (files.size() > 12 ? " ..." : "") + "); reinstall"
                + " with: sudo apt-get install --reinstall " + pkg.replace(",", ""));
    }

    private static Path realPath(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot resolve " + p + ": " + e.getMessage(), e);
        }
    }

    private static List<Path> concat(List<Path> a, List<Path> b) {
        List<Path> out = new ArrayList<>(a);
        out.addAll(b);
        out.sort(null);
        return out;
    }
}
