package dev.twin.core.suite.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.twin.core.suite.text.WordNetGlosses.Synset;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WordNetGlossesTest {
    @TempDir
    Path tmp;

    static final String DATA_NOUN = String.join("\n",
            "  1 This software and database is being provided to you, the LICENSEE, by  ",
            "  2 Princeton University under the following license.  By obtaining, using  ",
            "00001740 03 n 01 entity 0 003 ~ 00001930 n 0000 ~ 00002137 n 0000 ~ 04424418 n 0000 | that which is"
                    + " perceived or known or inferred to have its own distinct existence (living or nonliving)  ",
            "01317541 05 n 01 domestic_animal 0 002 @ 00015388 n 0000 ~ 01318053 n 0000 | any of various animals that"
                    + " have been tamed and made fit for a human environment; \"the dog is a domestic animal\"  ",
            "02084071 05 n 02 dog 0 domestic_dog 0 001 @ 02083346 n 0000 | a member of the genus Canis; \"the dog"
                    + " barked all night\"; \"dogs are loyal\"  ",
            "03222318 06 n 01 dome 0 001 @ 04341686 n 0000 | a hemispherical roof; a vault with a \"soft\" curve  ",
            "03222319 06 n 01 xx 0 000 | \"only an example\"  ",
            "");

    @Test
    void readsLexFileTypeAndGlossWithoutExamples() throws IOException {
        Path f = Files.writeString(tmp.resolve("data.noun"), DATA_NOUN);
        assertEquals(List.of(
                new Synset(3, 'n', "that which is perceived or known or inferred to have its own distinct existence"
                        + " (living or nonliving)"),
                new Synset(5, 'n', "any of various animals that have been tamed and made fit for a human environment"),
                new Synset(5, 'n', "a member of the genus Canis"),
                new Synset(6, 'n', "a hemispherical roof; a vault with a \"soft\" curve")),
                WordNetGlosses.read(f));
    }

    @Test
    void verbFramesAndSatelliteAdjectives() {
        String verb = "01205714 35 v 04 touch 1 adjoin 3 meet 0 contact 3 002 + 14419510 n 0401 ~ 01207969 v 0000"
                + " 01 + 11 00 | be in direct physical contact with; make contact; \"The two buildings touch\"  ";
        assertEquals(new Synset(35, 'v', "be in direct physical contact with; make contact"),
                WordNetGlosses.parseLine(verb, "x").orElseThrow());
        String sat = "00003553 00 s 02 emergent 0 emerging 0 001 & 00003356 a 0000 | coming into existence;"
                + " \"an emergent republic\"  ";
        assertEquals(new Synset(0, 's', "coming into existence"), WordNetGlosses.parseLine(sat, "x").orElseThrow());
    }

    @Test
    void definitionCutsAtTheFirstExampleOnly() {
        assertEquals("a; b", WordNetGlosses.definition("a; b; \"c\"; \"d\""));
        assertEquals("say \"hi\" loudly", WordNetGlosses.definition("say \"hi\" loudly"));
        assertEquals("", WordNetGlosses.definition("\"just an example\""));
        assertEquals("trailing", WordNetGlosses.definition("trailing;  "));
    }

    @Test
    void badLinesNameFileAndLine() throws IOException {
        Path f = Files.writeString(tmp.resolve("data.verb"), "  header\n00001740 3x v 01 be 0 000 | exist\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WordNetGlosses.read(f));
        assertTrue(e.getMessage().contains(f + ":2") && e.getMessage().contains("'3x'"), e.getMessage());
        IllegalArgumentException t = assertThrows(IllegalArgumentException.class,
                () -> WordNetGlosses.parseLine("00001740 03 q 01 be 0 000 | exist", "data.adj:7"));
        assertTrue(t.getMessage().contains("data.adj:7") && t.getMessage().contains("'q'"), t.getMessage());
        IllegalArgumentException g = assertThrows(IllegalArgumentException.class,
                () -> WordNetGlosses.parseLine("00001740 03 n 01 be 0 000 no gloss", "data.noun:9"));
        assertTrue(g.getMessage().contains("data.noun:9"), g.getMessage());
    }

    @Test
    void lexnamesFromTheFileAndFromTheManPageTable() throws IOException {
        Path file = Files.writeString(tmp.resolve("lexnames"),
                "03\tnoun.Tops\t1\n05\tnoun.animal\t1\n35\tverb.contact\t2\n");
        assertEquals(Map.of(3, "noun.Tops", 5, "noun.animal", 35, "verb.contact"), WordNetGlosses.lexnames(file));
        String man = ".TH LEXNAMES 5WN\n.SH NAME\nlexnames \\- List of WordNet lexicographer file names\n.TS\nl l l.\n"
                + "\\fBFile Number\\fP\t\\fBName\\fP\t\\fBContents\\fP\n_\n"
                + "03\tnoun.Tops\tunique beginner for nouns\n18\tnoun.person  \tnouns denoting people\n.TE\n";
        Path gz = tmp.resolve("lexnames.5WN.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(man.getBytes(StandardCharsets.UTF_8));
        }
        assertEquals(Map.of(3, "noun.Tops", 18, "noun.person"), WordNetGlosses.lexnames(gz));
        Path empty = Files.writeString(tmp.resolve("empty"), "nothing here\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WordNetGlosses.lexnames(empty));
        assertTrue(e.getMessage().contains(empty.toString()), e.getMessage());
    }
}
