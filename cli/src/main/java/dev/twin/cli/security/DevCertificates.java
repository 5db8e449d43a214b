package dev.twin.cli.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A development PKI made with the JDK's keytool: a CA, and server, merger and client key pairs it signs
 * ({@code -genkeypair}, {@code -certreq}, {@code -gencert}), as {@link TlsFiles} names them, plus random store and
 * Kafka passwords. Passwords reach keytool through {@code -storepass:file}, never on its command line.
 */
public final class DevCertificates {
    /** Days the certificates stay valid: a development stack, not a deployment. */
    static final int VALIDITY_DAYS = 30;
    private static final String KEY = "-keyalg EC -groupname secp256r1";

    private DevCertificates() {
    }

    /** Creates the files of {@code dir} (which must not hold them yet) and returns them. */
    public static TlsFiles create(Path dir) {
        TlsFiles f = new TlsFiles(dir);
        if (Files.exists(f.caKeyStore()) || Files.exists(f.caPem())) {
            throw new IllegalStateException(dir + " already holds a CA; remove it or use it as it is");
        }
        Secrets.write(f.storePasswordFile(), Secrets.randomPassword());
        Secrets.write(f.kafkaPasswordFile(), Secrets.randomPassword());
        String pass = f.storePasswordFile().toString();
        Path ca = f.caKeyStore();
        keytool(dir, "-genkeypair", "-alias", "ca", KEY, "-dname", "CN=twin-dev-ca", "-ext", "bc:c",
                "-validity", VALIDITY_DAYS, "-storetype", "PKCS12", "-keystore", ca, "-storepass:file", pass);
        keytool(dir, "-exportcert", "-rfc", "-alias", "ca", "-keystore", ca, "-storepass:file", pass,
                "-file", f.caPem());
        leaf(f, f.serverKeyStore(), "CN=localhost", "SAN=dns:localhost,ip:127.0.0.1");
        leaf(f, f.mergerKeyStore(), "CN=" + TlsFiles.MERGER_IDENTITY, "SAN=dns:" + TlsFiles.MERGER_IDENTITY);
        leaf(f, f.clientKeyStore(), "CN=" + TlsFiles.CLIENT_IDENTITY, "SAN=dns:" + TlsFiles.CLIENT_IDENTITY);
        return f.requireComplete();
    }

    /** A key pair in {@code store}, its certificate signed by the CA, the chain imported, the CA entry removed. */
    private static void leaf(TlsFiles f, Path store, String dname, String san) {
        Path dir = f.dir();
        String pass = f.storePasswordFile().toString();
        String name = store.getFileName().toString().replace(".p12", "");
        Path csr = dir.resolve(name + ".csr");
        Path pem = dir.resolve(name + ".pem");
        keytool(dir, "-genkeypair", "-alias", name, KEY, "-dname", dname, "-validity", VALIDITY_DAYS,
                "-storetype", "PKCS12", "-keystore", store, "-storepass:file", pass);
        keytool(dir, "-certreq", "-alias", name, "-keystore", store, "-storepass:file", pass, "-file", csr);
        keytool(dir, "-gencert", "-alias", "ca", "-keystore", f.caKeyStore(), "-storepass:file", pass,
                "-infile", csr, "-outfile", pem, "-rfc", "-ext", san, "-ext", "ku:c=digitalSignature,keyAgreement",
                "-ext", "eku=serverAuth,clientAuth", "-validity", VALIDITY_DAYS);
        // the reply's chain must be trusted to be imported: the CA goes in first and out again afterwards
        keytool(dir, "-importcert", "-noprompt", "-alias", "ca", "-file", f.caPem(), "-keystore", store,
                "-storepass:file", pass);
        keytool(dir, "-importcert", "-alias", name, "-file", pem, "-keystore", store, "-storepass:file", pass);
        keytool(dir, "-delete", "-alias", "ca", "-keystore", store, "-storepass:file", pass);
        try {
            Files.delete(csr);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + csr, e);
        }
    }

    private static void keytool(Path dir, Object... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        // 16 short runs: a JVM that starts fast matters more than one that runs fast
        cmd.addAll(List.of("-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC", "-J-Xshare:auto"));
        for (Object a : args) {
            if (a instanceof String s && s.contains(" ")) {
                cmd.addAll(List.of(s.split(" ")));
            } else {
                cmd.add(a.toString());
            }
        }
        Path out = dir.resolve("keytool.log");
        try {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile())).start();
            p.getOutputStream().close();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("keytool " + args[0] + " did not finish within 60 s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("keytool " + String.join(" ", cmd.subList(4, cmd.size()))
                        + " failed (exit " + p.exitValue() + "); " + out + " ends with:\n"
                        + String.join("\n", lastLines(out, 10)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run keytool: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running keytool", e);
        }
    }

    private static List<String> lastLines(Path f, int n) {
        try {
            List<String> all = Files.readAllLines(f);
            return all.subList(Math.max(0, all.size() - n), all.size());
        } catch (IOException e) {
            return List.of("(unreadable: " + e.getMessage() + ")");
        }
    }
}
