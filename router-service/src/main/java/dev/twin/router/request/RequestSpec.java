package dev.twin.router.request;

import java.util.List;
import java.util.regex.Pattern;

/**
 * What a valid request looks like: the served model name, the bundle's tasks and input size, the size limit, whether
 * a request must name its task (when no router runs to choose the head), and for a text model how a BYTES input
 * (one UTF-8 text) becomes the input row (null: FP32 input only), and which topics a Kafka request's reply-to
 * header may name.
 */
public record RequestSpec(String modelName, List<String> tasks, int inputSize, int maxPayloadBytes,
                          boolean taskRequired, TextInput text, Pattern replyTo) {
    /** What Kafka accepts as a topic name (a name outside it makes the producer throw: no record may carry one). */
    private static final Pattern LEGAL_TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    /** The default reply-to pattern: the default results topic or a topic below it. */
    public static final Pattern DEFAULT_REPLY_TO = replyToFor("twin.results");

    public RequestSpec(String modelName, List<String> tasks, int inputSize, int maxPayloadBytes) {
        this(modelName, tasks, inputSize, maxPayloadBytes, false, null, DEFAULT_REPLY_TO);
    }

    public RequestSpec(String modelName, List<String> tasks, int inputSize, int maxPayloadBytes,
                       boolean taskRequired) {
        this(modelName, tasks, inputSize, maxPayloadBytes, taskRequired, null, DEFAULT_REPLY_TO);
    }

    public RequestSpec(String modelName, List<String> tasks, int inputSize, int maxPayloadBytes,
                       boolean taskRequired, TextInput text) {
        this(modelName, tasks, inputSize, maxPayloadBytes, taskRequired, text, DEFAULT_REPLY_TO);
    }

    /**
     * The results topic itself or any topic named "{@code resultsTopic}.something". Kafka topic names hold only
     * [a-zA-Z0-9._-], so escaping the dots makes the name a literal (and the pattern readable in error messages).
     */
    public static Pattern replyToFor(String resultsTopic) {
        return Pattern.compile(resultsTopic.replace(".", "\\.") + "(\\.[a-zA-Z0-9._-]+)?");
    }

    /** Whether a reply-to header may name this topic: a legal Kafka topic name that the reply-to pattern matches. */
    public boolean allowsReplyTo(String topic) {
        return LEGAL_TOPIC.matcher(topic).matches() && !topic.equals(".") && !topic.equals("..")
                && replyTo.matcher(topic).matches();
    }

    public RequestSpec {
        tasks = List.copyOf(tasks);
        if (replyTo == null) {
            throw new IllegalArgumentException("reply-to pattern must not be null");
        }
        if (inputSize < 1 || maxPayloadBytes < 1) {
            throw new IllegalArgumentException("input size and payload limit must be positive, got " + inputSize
                    + " and " + maxPayloadBytes);
        }
    }
}
