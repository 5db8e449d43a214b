package dev.twin.core.suite.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManPageNamesTest {
    @TempDir
    Path tmp;

    static Path gzip(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return file;
    }

    @Test
    void readsTheNameLineOfAGzippedPage() throws IOException {
        String page = String.join("\n",
                ".\\\" Copyright (C) 1999 somebody",
                ".TH PRINTF 3 2023-02-05 \"Linux man-pages 6.03\"",
                ".SH NAME",
                "printf, fprintf, dprintf, sprintf,",
                ".\\\" a comment inside NAME",
                "vsnprintf \\- formatted output \\fBconversion\\fR \\(em with \\f(CWstyle\\fP",
                ".SH LIBRARY",
                "Standard C library \\- not part of the name",
                "");
        Path f = gzip(tmp.resolve("man3/printf.3.gz"), page);
        assertEquals(Optional.of("formatted output conversion \u2014 with style"),
                ManPageNames.description(TextFiles.read(f)));
        assertEquals(Optional.of("3"), ManPageNames.section(f));
    }

    @Test
    void fontMacrosAndQuotedNameHeading() {
        String page = ".TH HOSTS.EQUIV 5\n.SH \"NAME\"\nhosts.equiv \\- list of hosts granted \"trusted\"\n.B r\n"
                + "command access to\n.BR your \" system\"\n.SH DESCRIPTION\ntext\n";
        assertEquals(Optional.of("list of hosts granted \"trusted\" r command access to your system"),
                ManPageNames.description(page));
        String mdoc = ".Dd 2020\n.Sh NAME\n.Nm fooctl\n.Nd control the foo device\n.Sh SYNOPSIS\n";
        assertEquals(Optional.of("control the foo device"), ManPageNames.description(mdoc));
    }

    @Test
    void redirectsAndPagesWithoutDescriptionGiveNothing() throws IOException {
        Path so = gzip(tmp.resolve("man3/queue.3.gz"), ".so man7/queue.7\n");
        assertEquals(Optional.empty(), ManPageNames.description(TextFiles.read(so)));
        assertEquals(Optional.empty(), ManPageNames.description(".\\\" comment\n\n.so man2/ioctl_console.2\n"));
        assertEquals(Optional.empty(), ManPageNames.description(".TH X 1\n.SH SYNOPSIS\nx \\- y\n"));
        assertEquals(Optional.empty(), ManPageNames.description(".TH X 1\n.SH NAME\njust a name\n.SH SEE ALSO\n"));
    }

    @Test
    void sectionComesFromTheManDirectory() {
        assertEquals(Optional.of("2"), ManPageNames.section(Path.of("/usr/share/man/man2/open.2.gz")));
        assertEquals(Optional.of("3"), ManPageNames.section(Path.of("/usr/share/man/man3/off_t.3type.gz")));
        assertEquals(Optional.empty(), ManPageNames.section(Path.of("/usr/share/doc/manpages/changelog.gz")));
        assertEquals(Optional.empty(), ManPageNames.section(Path.of("/usr/share/man/man/x.gz")));
        assertEquals(List.of("your", " system"), ManPageNames.arguments(".BR your \" system\""));
        assertEquals(List.of("say \"hi\"", "x"), ManPageNames.arguments(".B \"say \"\"hi\"\"\" x \\\" comment"));
    }
}
