package dev.twin.cli.chaos;

import dev.twin.cli.traffic.Channel;
import dev.twin.cli.traffic.GrpcClient;
import dev.twin.cli.traffic.KafkaClient;
import dev.twin.cli.traffic.OipMessages;
import dev.twin.cli.traffic.RequestEncoding;
import dev.twin.cli.traffic.TrafficItem;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * An endless open-loop stream of requests at a fixed rate, half Kafka records and half OIP gRPC calls (each channel on
 * its own thread, so a blocked send on one does not stall the other), with what became of each request: its results
 * on the results topic (copies counted), its dead letter, its gRPC outcome. Inputs cycle through a pool of test items;
 * every request gets a fresh id.
 *
 * <p>The Kafka producer waits up to {@link #CLIENT_DELIVERY_TIMEOUT_MS} for the broker, so a request sent during a
 * broker outage is delivered once the broker is back: what the run checks is the stack, not this client.
 */
final class ChaosTraffic implements AutoCloseable {
    static final int CLIENT_DELIVERY_TIMEOUT_MS = 900_000;

    /** What happened to one request. Times are System.nanoTime(); -1 = not (yet). */
    static final class Request {
        final String id;
        final Channel channel;
        final long sentNanos;
        volatile long answeredNanos = -1; // first result on the results topic, or the gRPC answer
        final AtomicInteger resultCopies = new AtomicInteger();
        volatile String grpcCode; // "OK" or the status code
        volatile String grpcError = "";
        volatile long grpcDoneNanos = -1;
        volatile String deadLetter; // the DLQ reason
        volatile String sendError; // the client producer could not deliver it

        Request(String id, Channel channel, long sentNanos) {
            this.id = id;
            this.channel = channel;
            this.sentNanos = sentNanos;
        }
    }

    private final List<TrafficItem> pool;
    private final String model;
    private final double ratePerChannel;
    private final long grpcDeadlineMs;
    private final String idPrefix;
    private final Map<String, Request> requests = new ConcurrentHashMap<>();
    private final List<Request> order = new ArrayList<>();
    private final AtomicBoolean sending = new AtomicBoolean(true);
    private final AtomicLong sequence = new AtomicLong();
    private final KafkaClient kafka;
    private final GrpcClient grpc;
    private final List<Thread> senders = new ArrayList<>();
    private final java.util.concurrent.ExecutorService kafkaSends = java.util.concurrent.Executors
            .newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "twin-chaos-kafka-send");
                t.setDaemon(true);
                return t;
            });

    ChaosTraffic(List<TrafficItem> pool, String bootstrap, String grpcTarget, String model, double ratePerSecond,
                 long grpcDeadlineMs, String idPrefix) {
        if (pool.isEmpty() || !(ratePerSecond > 0)) {
            throw new IllegalArgumentException("chaos traffic needs test items and a positive rate, got "
                    + pool.size() + " items at " + ratePerSecond + "/s");
        }
        this.pool = List.copyOf(pool);
        this.model = model;
        this.ratePerChannel = ratePerSecond / 2;
        this.grpcDeadlineMs = grpcDeadlineMs;
        this.idPrefix = idPrefix;
        this.kafka = new KafkaClient(bootstrap, KafkaClient.DEFAULT_TOPICS, Map.of(), Map.of(
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, CLIENT_DELIVERY_TIMEOUT_MS,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, CLIENT_DELIVERY_TIMEOUT_MS,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000));
        this.grpc = new GrpcClient(grpcTarget);
    }

    /** Starts listening (from the topics' current end), then both senders. */
    void start() {
        kafka.listen(a -> {
            Request r = requests.get(a.id());
            if (r != null) {
                r.resultCopies.incrementAndGet();
                if (r.channel == Channel.KAFKA && r.answeredNanos < 0) {
                    r.answeredNanos = a.receivedNanos();
                }
            }
        }, d -> {
            Request r = requests.get(d.key());
            if (r != null && r.deadLetter == null) {
                r.deadLetter = d.stage() + ": " + d.error();
            }
        });
        for (Channel c : Channel.values()) {
            Thread t = new Thread(() -> send(c), "twin-chaos-" + c.name().toLowerCase(java.util.Locale.ROOT));
            t.setDaemon(true);
            senders.add(t);
            t.start();
        }
    }

    private void send(Channel channel) {
        long period = (long) (1e9 / ratePerChannel);
        long due = System.nanoTime();
        while (sending.get()) {
            LockSupport.parkNanos(due - System.nanoTime());
            if (!sending.get()) {
                return;
            }
            long n = sequence.getAndIncrement();
            TrafficItem base = pool.get((int) (n % pool.size()));
            TrafficItem item = new TrafficItem(idPrefix + "-" + n, base.task(), base.label(), base.input(), channel);
            Request r = new Request(item.id(), channel, System.nanoTime());
            requests.put(r.id, r);
            synchronized (order) {
                order.add(r);
            }
            if (channel == Channel.KAFKA) {
                // on a thread of its own: while the broker is down the producer blocks for metadata, and requests
                // must still be issued on schedule (they queue in the client and go out when the broker is back)
                kafkaSends.execute(() -> kafka.send(item.id(), OipMessages.request(item, model,
                        RequestEncoding.PROTOBUF), RequestEncoding.PROTOBUF.contentType(), Map.of(), err -> {
                            if (err != null) {
                                r.sendError = err.toString();
                            }
                        }));
            } else {
                grpc.infer(OipMessages.proto(item, model), grpcDeadlineMs, resp -> {
                    r.grpcCode = "OK";
                    r.grpcDoneNanos = System.nanoTime();
                    r.answeredNanos = r.grpcDoneNanos;
                }, t -> {
                    Status s = Status.fromThrowable(t);
                    r.grpcError = String.valueOf(s.getDescription());
                    r.grpcDoneNanos = System.nanoTime();
                    r.grpcCode = s.getCode().name();
                });
            }
            // a send that blocked does not make the sender burst afterwards: the schedule restarts from now
            due = Math.max(due + period, System.nanoTime());
        }
    }

    /** Stops sending (requests already sent are still followed). */
    void stopSending() {
        sending.set(false);
        for (Thread t : senders) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        kafkaSends.shutdown();
        try {
            // every issued request reaches the producer (after an outage this waits for the broker)
            kafkaSends.awaitTermination(CLIENT_DELIVERY_TIMEOUT_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        kafka.flush();
    }

    /** Every request sent so far, in send order. */
    List<Request> sent() {
        synchronized (order) {
            return List.copyOf(order);
        }
    }

    @Override
    public void close() {
        sending.set(false);
        kafkaSends.shutdownNow();
        grpc.close();
        kafka.close();
    }
}
