package dev.twin.executor.security;

import dev.twin.proto.executor.ExecutorGrpc;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.jboss.logging.Logger;

/**
 * Install changes what every later batch of a cluster key computes, so only the merger may call it: the caller must
 * have proven, in the TLS handshake, a client certificate (signed by the CA the executor trusts) whose identity is
 * one of {@code twin.executor.security.install-identities}. No certificate: UNAUTHENTICATED; another identity:
 * PERMISSION_DENIED. Other methods pass. With no identities configured every caller passes (plaintext dev stack).
 */
@ApplicationScoped
@GlobalInterceptor
public class InstallGuard implements ServerInterceptor {
    private static final Logger LOG = Logger.getLogger(InstallGuard.class);
    static final String INSTALL = ExecutorGrpc.getInstallMethod().getFullMethodName();

    private final Optional<List<String>> identities;

    public InstallGuard(SecurityConfig config) {
        this.identities = config.installIdentities().map(List::copyOf);
        if (identities.isEmpty()) {
            LOG.warn("Install accepts weight sets from any caller: set twin.executor.security.install-identities "
                    + "(and TLS client certificates) to restrict it to the merger");
        } else {
            LOG.infof("Install accepted only from TLS client certificates named %s", identities.get());
        }
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        if (identities.isEmpty() || !INSTALL.equals(call.getMethodDescriptor().getFullMethodName())) {
            return next.startCall(call, headers);
        }
        Status refusal = check(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION), identities.get());
        if (refusal == null) {
            return next.startCall(call, headers);
        }
        LOG.warnf("refused Install from %s: %s", call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR),
                refusal.getDescription());
        call.close(refusal, new Metadata());
        return new ServerCall.Listener<>() {
        };
    }

    /** Null when the session's client certificate names one of {@code allowed}; else the refusal. */
    static Status check(SSLSession session, List<String> allowed) {
        if (session == null) {
            return Status.UNAUTHENTICATED.withDescription("Install needs the merger's TLS client certificate, but this "
                    + "call came over plaintext");
        }
        PeerIdentity peer;
        try {
            peer = PeerIdentity.of(session.getPeerCertificates()[0]);
        } catch (SSLPeerUnverifiedException e) {
            return Status.UNAUTHENTICATED.withDescription("Install needs the merger's TLS client certificate, but this "
                    + "connection presented none");
        } catch (IllegalArgumentException e) {
            return Status.UNAUTHENTICATED.withDescription("Install refused: " + e.getMessage());
        }
        if (!peer.anyOf(allowed)) {
            return Status.PERMISSION_DENIED.withDescription("Install is accepted only from " + allowed
                    + "; the client certificate '" + peer.subject() + "' is none of them");
        }
        return null;
    }
}
