package dev.twin.cli.security;

import java.util.List;

/**
 * The TLS and SASL listeners of the development broker: clients use SASL_SSL with SCRAM-SHA-512 on the broker's
 * port; an SSL listener on {@code sslPort} that requires a CA-signed client certificate carries the broker's own
 * traffic and the admin work (topics, SCRAM users) done before any SCRAM user exists. The KRaft controller listener
 * stays plaintext on loopback (one process; nothing else reaches it).
 */
public record BrokerSecurity(TlsFiles files, int sslPort) {

    public BrokerSecurity {
        if (sslPort < 1 || sslPort > 65535) {
            throw new IllegalArgumentException("Kafka SSL port " + sslPort + " is not in 1..65535");
        }
        files.requireComplete();
    }

    /** server.properties lines for a broker whose SASL_SSL listener is on {@code port}. */
    public List<String> serverProperties(int port, int controllerPort) {
        return List.of(
                "listeners=SASL_SSL://127.0.0.1:" + port + ",SSL://127.0.0.1:" + sslPort
                        + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=SASL_SSL://127.0.0.1:" + port + ",SSL://127.0.0.1:" + sslPort,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=SSL",
                "listener.security.protocol.map=SASL_SSL:SASL_SSL,SSL:SSL,CONTROLLER:PLAINTEXT",
                "sasl.enabled.mechanisms=" + ClientSecurity.SCRAM,
                "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config="
                        + "org.apache.kafka.common.security.scram.ScramLoginModule required;",
                "listener.name.ssl.ssl.client.auth=required",
                "ssl.keystore.type=PKCS12",
                "ssl.keystore.location=" + files.serverKeyStore(),
                "ssl.keystore.password=" + files.storePassword(),
                "ssl.truststore.type=PEM",
                "ssl.truststore.location=" + files.caPem());
    }

    /** The admin client's address and settings: the SSL listener with the CLI's client certificate. */
    public String adminBootstrap() {
        return "127.0.0.1:" + sslPort;
    }

    public ClientSecurity admin() {
        return ClientSecurity.mutualTls(files, files.clientKeyStore());
    }
}
