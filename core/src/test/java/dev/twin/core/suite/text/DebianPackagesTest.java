package dev.twin.core.suite.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class DebianPackagesTest {
    @Test
    void missingPackagesNameTheInstallCommandWhenInstallingIsNotAllowed() {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        DebianPackages none = new DebianPackages(new PrintStream(log), false);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> none.filesOf(List.of("twin-no-such-package-a", "twin-no-such-package-b")));
        assertTrue(e.getMessage().contains("sudo apt-get install twin-no-such-package-a twin-no-such-package-b"),
                e.getMessage());
        assertEquals(0, log.size(), "nothing installed, nothing logged");
        assertEquals("sudo apt-get install wordnet-base fortunes",
                DebianPackages.installCommand(List.of("wordnet-base", "fortunes")));
        assertEquals("twin-no-such-package-a=?", DebianPackages.versions(List.of("twin-no-such-package-a")));
    }

    @Test
    void versionsOfInstalledPackages() {
        // manpages is part of the standard Debian install (and the text-6 loader installs it where it is not)
        String v = DebianPackages.versions(List.of("manpages", "twin-no-such-package-a"));
        assertTrue(v.matches("manpages=[0-9][^ ?]* twin-no-such-package-a=\\?"), v);
    }
}
