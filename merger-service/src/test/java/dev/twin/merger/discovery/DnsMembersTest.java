package dev.twin.merger.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A records become ip:port members; no records is an empty set; a failed lookup keeps what the caller has. */
class DnsMembersTest {

    private static InetAddress ip(int a, int b, int c, int d) throws UnknownHostException {
        return InetAddress.getByAddress(new byte[]{(byte) a, (byte) b, (byte) c, (byte) d});
    }

    @Test
    void eachARecordIsAnExecutorOnTheConfiguredPort() throws Exception {
        InetAddress[] records = {ip(10, 0, 0, 7), ip(10, 0, 1, 12)};
        DnsMembers dns = new DnsMembers("twin-executor", 9100, name -> {
            assertEquals("twin-executor", name);
            return records;
        });
        assertEquals(Optional.of(Set.of("10.0.0.7:9100", "10.0.1.12:9100")), dns.resolve());
    }

    @Test
    void aNameWithoutRecordsIsNoExecutorAndAFailedLookupIsUnknown() {
        DnsMembers none = new DnsMembers("twin-executor", 9100, name -> {
            throw new UnknownHostException(name);
        });
        assertEquals(Optional.of(Set.of()), none.resolve());
        DnsMembers broken = new DnsMembers("twin-executor", 9100, name -> {
            throw new IllegalStateException("resolver down");
        });
        assertEquals(Optional.empty(), broken.resolve());
    }

    @Test
    void badSettingsAreRefusedWithTheKey() {
        assertEquals("twin.merger.discovery.dns-name is blank", assertThrows(IllegalArgumentException.class,
                () -> new DnsMembers(" ", 9100, InetAddress::getAllByName)).getMessage());
        assertEquals("twin.merger.discovery.dns-port 0 is not in 1..65535", assertThrows(
                IllegalArgumentException.class, () -> new DnsMembers("x", 0, InetAddress::getAllByName)).getMessage());
    }
}
