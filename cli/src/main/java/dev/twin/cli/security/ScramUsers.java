package dev.twin.cli.security;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;

/** SCRAM-SHA-512 users of a broker, created or updated through the Admin API (the password never leaves memory). */
public final class ScramUsers {
    /** Kafka's recommended minimum for SCRAM-SHA-512. */
    static final int ITERATIONS = 8192;

    private ScramUsers() {
    }

    /** Creates {@code user} with {@code password}, or sets its password, on the broker at {@code bootstrap}. */
    public static void upsert(String bootstrap, Map<String, String> client, String user, String password) {
        Properties props = new Properties();
        props.putAll(client);
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        try (Admin admin = Admin.create(props)) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, ITERATIONS), password)))
                    .all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot set the SCRAM credentials of Kafka user '" + user + "' on "
                    + bootstrap + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("setting the SCRAM credentials of Kafka user '" + user + "' on " + bootstrap
                    + " did not finish within 30 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while setting SCRAM credentials", e);
        }
    }
}
