package dev.twin.merger.kafka;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.twin.merger.config.MergerConfig;
import dev.twin.merger.executor.BatchRejectedException;
import dev.twin.merger.executor.ExecutorUnavailableException;
import dev.twin.merger.metrics.MergerMetrics;
import dev.twin.merger.model.BundleHolder;
import dev.twin.merger.tracing.ItemSpans;
import dev.twin.merger.tracing.MergerSpans;
import dev.twin.proto.executor.ExecuteReply;
import dev.twin.proto.executor.RowResult;
import dev.twin.proto.routed.RoutedBatch;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Consumes twin.routed a poll at a time and pipelines it: the records of a poll are grouped into units that share
 * base weights (all records run factored over θ*: exact ones and, unless cluster-execution is materialized, the
 * clusters; all static records; each materialized cluster key with its weights), each unit is packed into
 * executor calls under the message limit, and the calls run on {@code parallel-clusters} threads; an item's result
 * is written the moment its last row is answered. The method returns as soon as the poll is dispatched, so the next
 * poll is taken while this one executes and waits for broker acks ({@code polls-in-flight} bounds how many).
 *
 * <p>Commits (at-least-once): with {@code batch=true} SmallRye's throttled strategy tracks only the LAST record of
 * each partition of a poll (it registers that offset when the poll arrives; acking it commits the whole poll's
 * prefix once every earlier registered offset is acked, so polls may finish out of order). So the last record of a
 * partition is acked only when every record of that partition in the poll is settled: its results written (or it or
 * its item in the DLQ) and acknowledged by the broker. Individual earlier records are never acked (the strategy
 * does not know their offsets).
 *
 * <p>Nothing a record carries can make this method throw: bad records and failed result writes go to twin.dlq with
 * the reason and the consumer goes on. Only a failed DLQ write (Kafka itself failing) nacks, which stops the channel
 * (failure-strategy=fail) so that a restart redoes the uncommitted polls.
 */
@ApplicationScoped
public class RoutedConsumer {
    private static final Logger LOG = Logger.getLogger(RoutedConsumer.class);

    private final BundleHolder holder;
    private final CallRunner runner;
    private final ResultWriter writer;
    private final CallPacker packer;
    private final ExecutorService workers;
    private final Semaphore polls;
    private final int pollBound;
    private final long retrySeconds;
    private final long drainSeconds;
    private final MergerConfig.ClusterExecution clusterExecution;
    private volatile boolean draining;
    private volatile boolean warnedCoalesced;
    private final MergerMetrics metrics;
    private final MergerSpans spans;

    public RoutedConsumer(BundleHolder holder, CallRunner runner, ResultWriter writer, MergerConfig config,
                          MergerMetrics metrics, MergerSpans spans) {
        this.metrics = metrics;
        this.spans = spans;
        this.holder = holder;
        this.runner = runner;
        this.writer = writer;
        int parallel = config.parallelClusters().orElse(2 * Runtime.getRuntime().availableProcessors());
        if (parallel < 1 || config.pollsInFlight() < 1) {
            throw new IllegalArgumentException("twin.merger.parallel-clusters and polls-in-flight must be at least 1,"
                    + " got " + parallel + " and " + config.pollsInFlight());
        }
        this.packer = new CallPacker(config.executorMaxMessageBytes());
        this.pollBound = config.pollsInFlight();
        this.retrySeconds = config.unavailableRetrySeconds();
        this.drainSeconds = config.drainSeconds();
        this.clusterExecution = config.clusterExecution();
        this.polls = new Semaphore(pollBound);
        AtomicInteger n = new AtomicInteger();
        LOG.infof("%d executor calls in flight at most, %d polls", parallel, pollBound);
        this.workers = Executors.newFixedThreadPool(parallel, r -> {
            Thread t = new Thread(r, "twin-cluster-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Incoming("routed")
    @Blocking
    public CompletionStage<Void> consume(KafkaRecordBatch<String, byte[]> polled) {
        if (draining) {
            // shutting down: this poll is not acked (so not committed) and is read again after a restart; the stage
            // never completes, so the connector delivers nothing more
            return new CompletableFuture<>();
        }
        try {
            polls.acquire(); // back-pressure: at most polls-in-flight polls not yet fully answered
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CompletableFuture.completedFuture(null); // shutting down: the poll stays uncommitted
        }
        if (draining) {
            polls.release();
            return new CompletableFuture<>(); // shutdown began while this poll waited: left for after the restart
        }
        Map<TopicPartition, List<CompletableFuture<Void>>> byPartition = new LinkedHashMap<>();
        try {
            dispatch(polled, byPartition);
        } catch (RuntimeException e) {
            // a bug, not a record (records are checked and failed one by one): ack nothing, so no unanswered record
            // is committed; the throttled strategy then reports the poll unacked (health) and a restart redoes it
            LOG.error("dispatching a poll of twin.routed failed: the poll stays uncommitted", e);
            polls.release();
            return CompletableFuture.completedFuture(null);
        }
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (Map.Entry<TopicPartition, List<CompletableFuture<Void>>> e : byPartition.entrySet()) {
            CompletableFuture<Void> partition = CompletableFuture.allOf(e.getValue().toArray(CompletableFuture[]::new));
            KafkaRecord<String, byte[]> last = polled.getLatestOffsetRecords().get(e.getKey());
            all.add(partition.handle((v, err) -> {
                if (err == null) {
                    last.ack();
                } else {
                    LOG.error("the DLQ could not be written: the poll is not committed and the channel stops", err);
                    last.nack(err);
                }
                return null;
            }));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).whenComplete((v, err) -> polls.release());
        return CompletableFuture.completedFuture(null);
    }

    /** Parses and checks every record, groups them into units and starts their calls; one future per record. */
    private void dispatch(KafkaRecordBatch<String, byte[]> polled,
                          Map<TopicPartition, List<CompletableFuture<Void>>> byPartition) {
        awaitBundle();
        metrics.polled(polled.getRecords().size());
        List<RecordWork> factored = new ArrayList<>();
        List<RecordWork> shared = new ArrayList<>();
        Map<List<Object>, List<RecordWork>> clusters = new LinkedHashMap<>();
        Map<RecordWork, TopicPartition> partitionOf = new LinkedHashMap<>();
        for (KafkaRecord<String, byte[]> rec : polled.getRecords()) {
            TopicPartition tp = new TopicPartition(rec.getTopic(), rec.getPartition());
            List<CompletableFuture<Void>> futures = byPartition.computeIfAbsent(tp, k -> new ArrayList<>());
            Headers headers = rec.getHeaders() != null ? rec.getHeaders() : new RecordHeaders();
            RoutedBatch batch = null;
            try {
                batch = parse(rec.getPayload());
                Checked checked = BatchCheck.check(batch, holder.require());
                int[] rowsOf = new int[batch.getItemsCount()];
                for (int i = 0; i < rowsOf.length; i++) {
                    rowsOf[i] = checked.rowsOf(i);
                }
                ItemSpans items = spans.items(batch, rowsOf, headers, rec.getTopic(), rec.getPartition(),
                        rec.getMetadata(IncomingKafkaRecordMetadata.class).map(m -> m.getOffset()).orElse(-1L));
                RecordWork w = new RecordWork(new Parsed(rec, headers, checked, new ItemOutcomes(rowsOf.length),
                        items));
                partitionOf.put(w, tp);
                metrics.record(checked.route().name().toLowerCase(java.util.Locale.ROOT));
                warnIfClustersCannotMaterialize(checked);
                switch (executionOf(w)) {
                    case FACTORED -> factored.add(w);
                    case SHARED -> shared.add(w);
                    case MATERIALIZED -> clusters.computeIfAbsent(List.of(batch.getClusterKey(),
                            batch.getMergeWeightsMap()), k -> new ArrayList<>()).add(w);
                }
            } catch (BadRecordException e) {
                futures.add(writer.failRecord(rec, headers, batch, "bad_record", "INVALID_ARGUMENT", e.getMessage()));
            } catch (RuntimeException e) {
                LOG.error("routed record failed", e);
                futures.add(writer.failRecord(rec, headers, batch, "internal", holder.ready() ? "INTERNAL" : "UNAVAILABLE",
                        "merger failure: " + e));
            }
        }
        List<List<RecordWork>> units = new ArrayList<>();
        units.add(factored);
        units.add(shared);
        units.addAll(clusters.values());
        for (List<RecordWork> unit : units) {
            if (unit.isEmpty()) {
                continue;
            }
            Map<RecordWork, CompletableFuture<Void>> done = runUnit(unit);
            done.forEach((w, f) -> byPartition.get(partitionOf.get(w)).add(f));
        }
    }

    /**
     * Waits (with back-off, up to unavailable-retry-seconds) while the bundle is not loaded; after that the records
     * go to the DLQ naming why the merger is not ready.
     */
    private void awaitBundle() {
        long delay = 200;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(retrySeconds);
        while (!holder.ready() && System.nanoTime() < deadline) {
            LOG.warnf("%s: waiting %d ms before checking the poll", holder.status(), delay);
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            delay = Math.min(delay * 2, 5000);
        }
    }

    /**
     * Clusters coalesced by the router (cluster-records=per-batch) run factored whatever cluster-execution says: their
     * answers are the same, but nothing is materialized. Said once, so that the operator can set the router to match.
     */
    private void warnIfClustersCannotMaterialize(Checked c) {
        if (clusterExecution == MergerConfig.ClusterExecution.MATERIALIZED && !warnedCoalesced
                && c.route() == Route.EXACT && !c.batch().getItems(0).getClusterKey().isEmpty()) {
            warnedCoalesced = true;
            LOG.warnf("cluster-execution is materialized, but routed records carry several clusters each (cluster '%s'"
                    + " among them): they run factored, nothing is materialized; set the routers'"
                    + " twin.router.grouping.cluster-records=per-cluster to materialize clusters",
                    c.batch().getItems(0).getClusterKey());
        }
    }

    private Execution executionOf(RecordWork w) {
        return Execution.of(w.parsed.checked().route(), clusterExecution);
    }

    /** Starts the calls of one unit; the future of each record completes when it is settled. */
    private Map<RecordWork, CompletableFuture<Void>> runUnit(List<RecordWork> unit) {
        RoutedBatch first = unit.get(0).parsed.checked().batch();
        Execution execution = executionOf(unit.get(0));
        String key = execution == Execution.MATERIALIZED ? first.getClusterKey() : "";
        Map<RecordWork, List<CompletableFuture<Void>>> perRecord = new LinkedHashMap<>();
        unit.forEach(w -> perRecord.put(w, new ArrayList<>()));
        List<Call> calls;
        try {
            calls = packer.pack(unit, key, execution.weighted());
        } catch (BadRecordException e) {
            // only a record with a single row beyond the message limit gets here: redo each record alone
            Map<RecordWork, CompletableFuture<Void>> out = new LinkedHashMap<>();
            unit.forEach(w -> out.put(w, unit.size() == 1 ? writer.fail(w, "bad_record", "INVALID_ARGUMENT", e.getMessage())
                    : runUnit(List.of(w)).get(w)));
            return out;
        }
        for (Call call : calls) {
            CompletableFuture<Void> f = CompletableFuture
                    .supplyAsync(() -> runner.run(call, execution, first.getMergeWeightsMap()), workers)
                    .thenCompose(reply -> publish(call, reply))
                    .exceptionallyCompose(e -> failed(call, unwrap(e)));
            call.segments().stream().map(Call.Segment::work).distinct().forEach(w -> perRecord.get(w).add(f));
        }
        Map<RecordWork, CompletableFuture<Void>> out = new LinkedHashMap<>();
        perRecord.forEach((w, fs) -> out.put(w, CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new))));
        return out;
    }

    /** Stores the call's answers; writes every item whose last row this call answered. */
    private CompletableFuture<Void> publish(Call call, ExecuteReply reply) {
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        int i = 0;
        for (Call.Segment s : call.segments()) {
            for (int r = s.from(); r < s.to(); r++, i++) {
                RowResult res = reply.getResults(i);
                float[] logits = new float[res.getLogitsCount()];
                for (int j = 0; j < logits.length; j++) {
                    logits[j] = res.getLogits(j);
                }
                int item = s.work().answer(r, logits, res.getPredicted());
                if (item >= 0) {
                    writes.add(writer.result(s.work(), item));
                }
            }
        }
        return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new));
    }

    /**
     * A call failed. Several records in it: each is redone alone, so only a guilty record reaches the DLQ. One
     * record: it goes to the DLQ with the reason (once, even when several of its calls fail).
     */
    private CompletableFuture<Void> failed(Call call, Throwable e) {
        List<RecordWork> records = call.segments().stream().map(Call.Segment::work).distinct().toList();
        boolean known = e instanceof BadRecordException || e instanceof BatchRejectedException
                || e instanceof ExecutorUnavailableException;
        String reason = known ? e.getMessage() : "merger failure: " + e;
        String code = e instanceof ExecutorUnavailableException ? "UNAVAILABLE" : known ? "INVALID_ARGUMENT"
                : "INTERNAL";
        if (!known) {
            LOG.error("executor call failed", e);
        }
        String reasonClass = e instanceof BadRecordException ? "bad_record" : e instanceof BatchRejectedException
                ? "executor_rejected" : e instanceof ExecutorUnavailableException ? "executor_unavailable" : "internal";
        if (records.size() == 1 || e instanceof ExecutorUnavailableException) {
            return CompletableFuture.allOf(records.stream().map(w -> writer.fail(w, reasonClass, code, reason))
                    .toArray(CompletableFuture[]::new));
        }
        List<CompletableFuture<Void>> redone = new ArrayList<>();
        for (RecordWork w : records) {
            redone.add(runUnit(List.of(new RecordWork(w.parsed, w.polledNanos))).values().iterator().next());
        }
        return CompletableFuture.allOf(redone.toArray(CompletableFuture[]::new));
    }

    private static Throwable unwrap(Throwable e) {
        while (e instanceof CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    private static RoutedBatch parse(byte[] value) {
        if (value == null || value.length == 0) {
            throw new BadRecordException("empty record value (expected a twin.routed.RoutedBatch protobuf)");
        }
        try {
            return RoutedBatch.parseFrom(value);
        } catch (InvalidProtocolBufferException e) {
            throw new BadRecordException("value is not a twin.routed.RoutedBatch protobuf: " + e.getMessage());
        }
    }

    // graceful shutdown, first of the shutdown observers: no new poll is taken; the polls in flight finish (results
    // written and acked) while the executor clients and the bundle are still there, so the connector's final commit
    // covers exactly the answered records (a restart redoes nothing)
    void onStop(@Observes @Priority(1) ShutdownEvent event) {
        draining = true;
        try {
            if (!polls.tryAcquire(pollBound, drainSeconds, TimeUnit.SECONDS)) {
                LOG.warn("polls still in flight at shutdown: they stay uncommitted and are redone after a restart");
            } else {
                LOG.info("polls drained: every record taken is answered and acked");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        workers.shutdown();
    }
}
