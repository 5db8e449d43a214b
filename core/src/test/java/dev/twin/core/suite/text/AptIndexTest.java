package dev.twin.core.suite.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class AptIndexTest {
    @Test
    void stanzasGiveNameSectionWithoutAreaAndFirstDescriptionLine() {
        String text = "Package: 0ad\nVersion: 0.0.26-3\nDescription: Real-time strategy game of ancient warfare\n"
                + "Tag: game::strategy, interface::graphical,\n x11::application\nSection: games\n\n"
                + "Package: foo\r\nSection: contrib/net\r\nDescription: fetch things\r\n a long description line\r\n"
                + " .\r\n more\r\n\r\n"
                + "Package: nosection\nDescription: skipped: no Section\n\n"
                + "Package: nodesc\nSection: admin\n\n\n\n"
                + "Package: empty\nSection: admin\nDescription:\n\n"
                + "Package: last\nSection: non-free/sound\nDescription: no blank line at the end";
        assertEquals(List.of(new AptIndex.Entry("0ad", "games", "Real-time strategy game of ancient warfare"),
                new AptIndex.Entry("foo", "net", "fetch things"),
                new AptIndex.Entry("last", "sound", "no blank line at the end")), AptIndex.parse(text));
        assertEquals(List.of(), AptIndex.parse(""));
    }
}
