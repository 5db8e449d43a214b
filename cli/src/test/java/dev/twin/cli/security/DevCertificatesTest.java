package dev.twin.cli.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The keytool-made development PKI: chains signed by the CA, the names TLS and Install check, owner-only secrets. */
class DevCertificatesTest {
    @TempDir
    static Path dir;
    static TlsFiles files;
    static X509Certificate ca;

    @BeforeAll
    static void create() throws Exception {
        files = DevCertificates.create(dir.resolve("tls"));
        try (InputStream in = Files.newInputStream(files.caPem())) {
            ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    @Test
    void caIsSelfSignedAndACa() throws Exception {
        assertEquals("CN=twin-dev-ca", ca.getSubjectX500Principal().getName());
        ca.verify(ca.getPublicKey());
        assertTrue(ca.getBasicConstraints() >= 0, "basic constraints mark a CA");
    }

    @Test
    void serverCertificateIsSignedByTheCaForLocalhostAndLoopback() throws Exception {
        X509Certificate leaf = leaf(files.serverKeyStore());
        leaf.verify(ca.getPublicKey());
        assertEquals("CN=localhost", leaf.getSubjectX500Principal().getName());
        Set<String> sans = leaf.getSubjectAlternativeNames().stream().map(l -> String.valueOf(l.get(1)))
                .collect(Collectors.toSet());
        assertEquals(Set.of("localhost", "127.0.0.1"), sans);
        assertEquals(List.of("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"), leaf.getExtendedKeyUsage(), "server and client auth");
    }

    @Test
    void mergerAndClientCarryTheirIdentities() throws Exception {
        X509Certificate merger = leaf(files.mergerKeyStore());
        merger.verify(ca.getPublicKey());
        assertEquals("CN=" + TlsFiles.MERGER_IDENTITY, merger.getSubjectX500Principal().getName());
        X509Certificate client = leaf(files.clientKeyStore());
        client.verify(ca.getPublicKey());
        assertEquals("CN=" + TlsFiles.CLIENT_IDENTITY, client.getSubjectX500Principal().getName());
    }

    @Test
    void secretsAreOwnerOnlyRandomAndNotLogged() throws Exception {
        for (Path p : List.of(files.storePasswordFile(), files.kafkaPasswordFile())) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)), p.toString());
        }
        assertEquals(24, files.storePassword().length());
        assertFalse(files.storePassword().equals(files.kafkaPassword()), "two independent passwords");
        String log = Files.readString(files.dir().resolve("keytool.log"));
        assertFalse(log.contains(files.storePassword()), "keytool's output holds no password");
        assertThrows(IllegalStateException.class, () -> DevCertificates.create(files.dir()), "a second CA over the first");
    }

    @Test
    void incompleteDirectoryIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TlsFiles(dir.resolve("empty")).requireComplete());
        assertTrue(e.getMessage().contains("ca.pem"), e.getMessage());
    }

    /** The single key entry's certificate chain: leaf then CA. */
    private static X509Certificate leaf(Path store) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, files.storePassword().toCharArray());
        }
        List<String> aliases = Collections.list(ks.aliases());
        assertEquals(1, aliases.size(), "one entry in " + store + ": " + aliases);
        assertTrue(ks.isKeyEntry(aliases.get(0)));
        Certificate[] chain = ks.getCertificateChain(aliases.get(0));
        assertEquals(2, chain.length, "leaf and CA");
        assertEquals(ca, chain[1]);
        return (X509Certificate) chain[0];
    }
}
