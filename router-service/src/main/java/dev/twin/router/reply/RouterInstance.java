package dev.twin.router.reply;

import dev.twin.router.config.RouterConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Who this router is among those sharing a broker: its id, its reply topic ({@code <prefix>.<id>}) and the
 * correlations it issues ({@code <id>:<sequence>}), which no client controls. A synchronous answer is matched on
 * the correlation, never on the client's request id alone.
 */
@ApplicationScoped
public class RouterInstance {
    private static final Pattern TOPIC_CHARS = Pattern.compile("[a-zA-Z0-9._-]+");

    private final String id;
    private final String replyTopic;
    private final AtomicLong sequence = new AtomicLong();

    @Inject
    public RouterInstance(RouterConfig config) {
        this(config.instanceId().orElse(UUID.randomUUID().toString().substring(0, 8)), config.replies().prefix());
    }

    public RouterInstance(String id, String replyPrefix) {
        if (!TOPIC_CHARS.matcher(id).matches() || id.length() > 100) {
            throw new IllegalArgumentException("twin.router.instance-id '" + id + "' must be 1-100 characters of "
                    + "[a-zA-Z0-9._-] (it names the reply topic)");
        }
        this.id = id;
        this.replyTopic = replyPrefix + "." + id;
    }

    public String id() {
        return id;
    }

    public String replyTopic() {
        return replyTopic;
    }

    /** A correlation no other request of any router carries. */
    public String nextCorrelation() {
        return id + ":" + sequence.incrementAndGet();
    }
}
