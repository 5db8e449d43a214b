package dev.twin.executor.security;

import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/** The names a TLS client certificate proves: its subject's common name and its DNS subject alternative names. */
public record PeerIdentity(String subject, List<String> names) {

    private static final int SAN_DNS = 2;

    /** The identity of a peer's leaf certificate. */
    public static PeerIdentity of(Certificate leaf) {
        if (!(leaf instanceof X509Certificate x509)) {
            throw new IllegalArgumentException("client certificate is not X.509 but " + leaf.getType());
        }
        String subject = x509.getSubjectX500Principal().getName();
        List<String> names = new ArrayList<>();
        try {
            for (Rdn rdn : new LdapName(subject).getRdns()) {
                if ("CN".equalsIgnoreCase(rdn.getType())) {
                    names.add(String.valueOf(rdn.getValue()));
                }
            }
        } catch (InvalidNameException e) {
            throw new IllegalArgumentException("client certificate subject '" + subject + "' is no X.500 name", e);
        }
        try {
            Collection<List<?>> sans = x509.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (san.size() == 2 && Integer.valueOf(SAN_DNS).equals(san.get(0))) {
                        names.add(String.valueOf(san.get(1)));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            throw new IllegalArgumentException("client certificate of '" + subject + "' has unreadable alternative names", e);
        }
        return new PeerIdentity(subject, List.copyOf(names));
    }

    /** True when one of this peer's names is among {@code allowed}. */
    public boolean anyOf(Collection<String> allowed) {
        return names.stream().anyMatch(allowed::contains);
    }
}
