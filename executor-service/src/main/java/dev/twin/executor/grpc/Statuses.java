package dev.twin.executor.grpc;

import dev.twin.executor.reject.RejectedException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.jboss.logging.Logger;

/** Maps refusals to gRPC statuses; anything unexpected becomes INTERNAL with its message (and is logged). */
final class Statuses {
    private static final Logger LOG = Logger.getLogger(Statuses.class);

    private Statuses() {
    }

    static Throwable toStatus(Throwable t) {
        if (t instanceof StatusRuntimeException) {
            return t;
        }
        if (t instanceof RejectedException r) {
            Status s = switch (r.kind()) {
                case INVALID -> Status.INVALID_ARGUMENT;
                case UNKNOWN_KEY -> Status.NOT_FOUND;
                case NOT_READY -> Status.FAILED_PRECONDITION;
            };
            return s.withDescription(r.getMessage()).asRuntimeException();
        }
        LOG.error("executor call failed", t);
        return Status.INTERNAL.withDescription("executor failure: " + t).withCause(t).asRuntimeException();
    }
}
