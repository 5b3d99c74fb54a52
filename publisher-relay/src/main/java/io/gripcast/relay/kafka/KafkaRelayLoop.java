package io.gripcast.relay.kafka;

import io.gripcast.Outcome;
import io.gripcast.PayloadTooLargeException;
import io.gripcast.PublishException;
import io.gripcast.PublishResult;
import io.gripcast.Publisher;
import io.gripcast.item.Publication;
import io.gripcast.relay.RelayIds;
import io.gripcast.relay.RelayListener;
import io.gripcast.relay.RelayStats;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;

/**
 * The relay's one thread, which alone touches the consumer (KafkaConsumer is not thread-safe):
 * polls, hands partition batches to the publisher, takes their completions back from a queue, and
 * commits. Publish completions arrive on the publisher's callback threads; they only enqueue and
 * wake the consumer up.
 */
final class KafkaRelayLoop {
  private static final System.Logger LOG = System.getLogger(KafkaRelay.class.getName());
  static final Set<String> CONSUMER_ONLY = Set.of("auto.offset.reset", "max.poll.records", "group.id",
      "group.instance.id", "session.timeout.ms", "heartbeat.interval.ms", "max.poll.interval.ms",
      "partition.assignment.strategy", "group.protocol", "group.remote.assignor", "fetch.min.bytes",
      "fetch.max.bytes", "fetch.max.wait.ms", "max.partition.fetch.bytes", "isolation.level", "client.rack",
      "allow.auto.create.topics", "exclude.internal.topics", "auto.commit.interval.ms", "check.crcs");
  static final String ERROR_HEADER = "gripcast.relay.error";
  static final String SOURCE_HEADER = "gripcast.relay.source";
  private static final Duration IDLE_POLL = Duration.ofMillis(200);
  private static final Duration DEAD_LETTER_TIMEOUT = Duration.ofSeconds(15);

  private final Publisher publisher;
  private final Map<String, Object> consumerConfig;
  private final Map<String, Object> producerConfig;
  private final List<String> topics;
  private final RecordMapping mapping;
  private final String deadLetterTopic;
  private final int batchSize;
  private final int maxInFlight;
  private final int maxBuffered;
  private final long commitIntervalNanos;
  private final long backoffNanos;
  private final long maxBackoffNanos;
  private final Duration closeTimeout;
  private final RelayListener listener;

  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closing = new AtomicBoolean();
  private final CountDownLatch terminated = new CountDownLatch(1);
  private final LinkedBlockingQueue<Done> completions = new LinkedBlockingQueue<>();
  private volatile KafkaConsumer<byte[], byte[]> consumer;
  private volatile Throwable failure;
  private Thread thread;

  private final AtomicLong published = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();
  private final AtomicLong deadLettered = new AtomicLong();
  private final AtomicLong commits = new AtomicLong();
  private final AtomicLong publishFailures = new AtomicLong();

  // poll thread only
  private final Map<TopicPartition, Lane> lanes = new HashMap<>();
  private KafkaProducer<byte[], byte[]> deadLetters;
  private int inFlight;
  private long nextCommitNanos;

  KafkaRelayLoop(Publisher publisher, Map<String, Object> consumerConfig, Map<String, Object> producerConfig,
      List<String> topics, RecordMapping mapping, String deadLetterTopic, int batchSize, int maxInFlight,
      int maxBuffered, Duration commitInterval, Duration backoff, Duration maxBackoff, Duration closeTimeout,
      RelayListener listener) {
    this.publisher = publisher;
    this.consumerConfig = consumerConfig;
    this.producerConfig = producerConfig;
    this.topics = topics;
    this.mapping = mapping;
    this.deadLetterTopic = deadLetterTopic;
    this.batchSize = batchSize;
    this.maxInFlight = maxInFlight;
    this.maxBuffered = maxBuffered;
    this.commitIntervalNanos = commitInterval.toNanos();
    this.backoffNanos = backoff.toNanos();
    this.maxBackoffNanos = maxBackoff.toNanos();
    this.closeTimeout = closeTimeout;
    this.listener = listener;
  }

  /** One partition's records read but not yet committed, and its publish state. */
  private static final class Lane {
    final TopicPartition tp;
    final ArrayDeque<ConsumerRecord<byte[], byte[]>> pending = new ArrayDeque<>();
    boolean busy;
    boolean gone;
    long nextOffset = -1; // to commit: everything before it was published or handled as poison
    int uncommittedItems;
    int failures;
    long retryAtNanos;
    int singles; // records to send one per publish, to find the one a rejected batch held

    Lane(TopicPartition tp) {
      this.tp = tp;
      this.retryAtNanos = System.nanoTime(); // due now (nanoTime may be negative: never compare with 0)
    }

    String position(long offset) {
      return tp.topic() + "-" + tp.partition() + "@" + offset;
    }
  }

  /** A publish call's records and what came of it. */
  private record Done(Lane lane, List<ConsumerRecord<byte[], byte[]>> records, long lastOffset, int items,
      PublishResult result, Throwable error) {}

  // ------------------------------------------------------------------ lifecycle

  void start() {
    if (closing.get()) {
      throw new IllegalStateException("the relay is closed");
    }
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("the relay was started already");
    }
    // created here, not in the builder: the consumer's constructor already resolves the brokers' names
    try {
      consumer = new KafkaConsumer<>(consumerConfig);
      if (producerConfig != null) {
        deadLetters = new KafkaProducer<>(producerConfig);
      }
    } catch (RuntimeException e) {
      if (consumer != null) {
        consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ZERO));
      }
      failure = e;
      terminated.countDown();
      throw e;
    }
    thread = new Thread(this::run, "gripcast-relay-kafka");
    thread.setDaemon(false);
    thread.start();
  }

  boolean awaitTermination(Duration timeout) throws InterruptedException {
    if (!started.get()) {
      return closing.get();
    }
    return terminated.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  Throwable failure() {
    return failure;
  }

  RelayStats stats() {
    return new RelayStats(published.get(), skipped.get(), deadLettered.get(), commits.get(), publishFailures.get());
  }

  void close() {
    closing.set(true);
    KafkaConsumer<byte[], byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    if (!started.get() || (thread != null && thread == Thread.currentThread())) {
      return;
    }
    try {
      // bounded: the loop's shutdown waits at most closeTimeout for publishes, then commits
      if (!terminated.await(closeTimeout.plusSeconds(30).toNanos(), TimeUnit.NANOSECONDS)) {
        LOG.log(Level.WARNING, "the Kafka relay did not stop within " + closeTimeout.plusSeconds(30));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  String describe() {
    return "topics=" + topics + ", group=" + consumerConfig.get("group.id") + ", mapping=" + mapping
        + (deadLetterTopic == null ? "" : ", deadLetterTopic=" + deadLetterTopic);
  }

  // ------------------------------------------------------------------ the loop

  private void run() {
    try {
      consumer.subscribe(topics, new Rebalance());
      nextCommitNanos = System.nanoTime() + commitIntervalNanos;
      while (!closing.get()) {
        drainCompletions();
        if (failure != null) {
          break;
        }
        dispatchAll();
        commit(false);
        adjustPauses();
        ConsumerRecords<byte[], byte[]> records = poll();
        for (TopicPartition tp : records.partitions()) {
          // The consumer returns records only for partitions assigned to it, and the rebalance
          // listener makes their lanes first; a partition without one would otherwise lose these
          // records for good (the consumer's position is already past them), so it gets one.
          Lane lane = lanes.get(tp);
          if (lane == null) {
            LOG.log(Level.WARNING, "records for " + tp + ", which has no lane: making one");
            lane = new Lane(tp);
            lanes.put(tp, lane);
          }
          lane.pending.addAll(records.records(tp));
        }
      }
    } catch (RuntimeException | Error e) {
      failure = e;
      LOG.log(Level.ERROR, "the Kafka relay stopped: " + e, e);
    } finally {
      shutdown();
    }
  }

  private ConsumerRecords<byte[], byte[]> poll() {
    Duration timeout = IDLE_POLL;
    long now = System.nanoTime();
    // a lane waiting out a retry pause shortens the poll; one waiting for a free call slot does not
    // (a completion wakes the consumer up)
    for (Lane lane : inFlight >= maxInFlight ? List.<Lane>of() : lanes.values()) {
      if (!lane.busy && !lane.pending.isEmpty()) {
        long wait = Math.max(1_000_000L, lane.retryAtNanos - now);
        if (wait < timeout.toNanos()) {
          timeout = Duration.ofNanos(wait);
        }
      }
    }
    if (!completions.isEmpty()) {
      timeout = Duration.ZERO;
    }
    try {
      return consumer.poll(timeout);
    } catch (WakeupException e) {
      return ConsumerRecords.empty();
    }
  }

  private void shutdown() {
    try {
      completeWhile(() -> inFlight > 0);
      if (inFlight > 0) {
        LOG.log(Level.WARNING, inFlight + " publish call(s) still in flight after " + closeTimeout
            + ": their records are not committed and will be read again");
      }
      commit(true);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "committing on close failed: " + e + "; the next relay reads those records again");
    } finally {
      try {
        consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(10)));
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "closing the Kafka consumer failed: " + e);
      }
      if (deadLetters != null) {
        deadLetters.close(Duration.ofSeconds(10));
      }
      terminated.countDown();
    }
  }

  /**
   * Takes publish completions (committable offsets, failures) until {@code busy} turns false or
   * {@code closeTimeout} has passed: what close and a rebalance wait for before they commit.
   */
  private void completeWhile(BooleanSupplier busy) {
    long deadline = System.nanoTime() + closeTimeout.toNanos();
    while (busy.getAsBoolean() && System.nanoTime() < deadline) {
      try {
        Done d = completions.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (d != null) {
          complete(d);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  // ------------------------------------------------------------------ publishing

  private void dispatchAll() {
    if (inFlight >= maxInFlight) {
      return;
    }
    long now = System.nanoTime();
    for (Lane lane : lanes.values()) {
      if (inFlight >= maxInFlight) {
        return;
      }
      if (!lane.busy && !lane.pending.isEmpty() && now - lane.retryAtNanos >= 0) {
        dispatch(lane);
      }
    }
  }

  private void dispatch(Lane lane) {
    int limit = lane.singles > 0 ? 1 : batchSize;
    List<ConsumerRecord<byte[], byte[]>> sent = new ArrayList<>(Math.min(limit, lane.pending.size()));
    List<Publication> publications = new ArrayList<>(Math.min(limit, lane.pending.size()));
    long lastOffset = -1;
    while (sent.size() < limit && !lane.pending.isEmpty()) {
      ConsumerRecord<byte[], byte[]> r = lane.pending.peek();
      List<Publication> ps;
      try {
        ps = withIds(r, mapping.map(r));
      } catch (RuntimeException e) {
        if (!poison(lane, r, reason(e))) {
          break; // the dead-letter topic failed: try again after a pause, from this record
        }
        lane.pending.poll();
        lastOffset = r.offset();
        continue;
      }
      lane.pending.poll();
      lastOffset = r.offset();
      if (!ps.isEmpty()) {
        sent.add(r);
        publications.addAll(ps);
      }
    }
    if (lane.singles > 0) {
      lane.singles = Math.max(0, lane.singles - sent.size());
    }
    if (publications.isEmpty()) {
      if (lastOffset >= 0) {
        lane.nextOffset = lastOffset + 1;
      }
      return;
    }
    lane.busy = true;
    inFlight++;
    long last = lastOffset;
    int items = publications.size();
    KafkaConsumer<byte[], byte[]> c = consumer;
    publisher.publishAllAsync(publications).whenComplete((result, error) -> {
      completions.add(new Done(lane, sent, last, items, result, error));
      c.wakeup();
    });
  }

  private static List<Publication> withIds(ConsumerRecord<byte[], byte[]> r, List<Publication> ps) {
    if (ps == null) {
      throw new IllegalArgumentException("the mapping returned null");
    }
    String id = null;
    List<Publication> out = new ArrayList<>(ps.size());
    for (Publication p : ps) {
      if (p.item().id() == null) {
        if (id == null) {
          id = RelayIds.kafka(r.topic(), r.partition(), r.offset());
        }
        out.add(p.item().withId(id).on(p.channel()));
      } else {
        out.add(p);
      }
    }
    return out;
  }

  private void drainCompletions() {
    Done d;
    while ((d = completions.poll()) != null) {
      complete(d);
    }
  }

  private void complete(Done d) {
    inFlight--;
    Lane lane = d.lane();
    lane.busy = false;
    if (lane.gone) {
      return; // revoked or lost meanwhile: its records are someone else's now
    }
    if (d.error() == null) {
      lane.nextOffset = d.lastOffset() + 1;
      lane.uncommittedItems += d.items();
      lane.failures = 0;
      published.addAndGet(d.items());
      notify(() -> listener.published(d.items()));
      return;
    }
    Throwable cause = d.error() instanceof CompletionException && d.error().getCause() != null
        ? d.error().getCause() : d.error();
    // The publisher refuses every call once closed (IllegalStateException); a cancelled future
    // (CancellationException, also an IllegalStateException) is an ordinary failure, retried.
    if (cause instanceof IllegalStateException && !(cause instanceof CancellationException)) {
      failure = new IllegalStateException("the publisher was closed before the relay: " + cause.getMessage(), cause);
      LOG.log(Level.ERROR, "the Kafka relay stops: " + failure.getMessage());
      requeue(lane, d.records());
      return;
    }
    if (isRejection(cause)) {
      if (d.records().size() == 1) {
        ConsumerRecord<byte[], byte[]> r = d.records().get(0);
        if (poison(lane, r, "the proxy rejected it: " + reason(cause))) {
          lane.nextOffset = d.lastOffset() + 1;
          return;
        }
        requeue(lane, d.records());
        return;
      }
      // one bad item fails the whole request: send these one by one to find it
      requeue(lane, d.records());
      lane.singles = d.records().size();
      return;
    }
    publishFailures.incrementAndGet();
    notify(() -> listener.publishFailed(cause));
    lane.failures++;
    long pause = backoff(lane.failures);
    lane.retryAtNanos = System.nanoTime() + pause;
    requeue(lane, d.records());
    if (lane.failures == 1 || lane.failures % 10 == 0) {
      LOG.log(Level.WARNING, "publishing " + lane.tp + " failed (" + lane.failures + " in a row), trying again in "
          + TimeUnit.NANOSECONDS.toMillis(pause) + " ms; offset " + d.records().get(0).offset()
          + " and later stay uncommitted meanwhile: " + reason(cause));
    }
  }

  private static boolean isRejection(Throwable cause) {
    if (cause instanceof PublishException pe) {
      return pe.result().worstOutcome() == Outcome.REJECTED;
    }
    // refused before sending: an item that cannot be serialized, or one over the body limit
    return cause instanceof IllegalArgumentException || cause instanceof PayloadTooLargeException;
  }

  private long backoff(int failures) {
    long pause = backoffNanos;
    for (int i = 1; i < failures && pause < maxBackoffNanos; i++) {
      pause *= 2;
    }
    return Math.min(pause, maxBackoffNanos);
  }

  private static void requeue(Lane lane, List<ConsumerRecord<byte[], byte[]>> records) {
    for (int i = records.size() - 1; i >= 0; i--) {
      lane.pending.addFirst(records.get(i));
    }
  }

  /**
   * Sends a poison record to the dead-letter topic, or logs and counts it as skipped.
   *
   * @return false when the dead-letter send failed: the record stays, and the partition waits
   */
  private boolean poison(Lane lane, ConsumerRecord<byte[], byte[]> r, String reason) {
    String position = lane.position(r.offset());
    if (deadLetters == null) {
      LOG.log(Level.WARNING, "skipped poison record " + position + ": " + reason);
      skipped.incrementAndGet();
      notify(() -> listener.poison(position, false, reason));
      return true;
    }
    ProducerRecord<byte[], byte[]> out = new ProducerRecord<>(deadLetterTopic, null, r.key(), r.value());
    for (Header h : r.headers()) {
      out.headers().add(h);
    }
    out.headers().add(ERROR_HEADER, reason.getBytes(StandardCharsets.UTF_8));
    out.headers().add(SOURCE_HEADER, position.getBytes(StandardCharsets.UTF_8));
    try {
      deadLetters.send(out).get(DEAD_LETTER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      Throwable c = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      lane.failures++;
      lane.retryAtNanos = System.nanoTime() + backoff(lane.failures);
      LOG.log(Level.WARNING, "sending poison record " + position + " to the dead-letter topic " + deadLetterTopic
          + " failed, trying again later: " + c);
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      lane.retryAtNanos = System.nanoTime() + backoff(1);
      return false;
    }
    LOG.log(Level.WARNING, "sent poison record " + position + " to " + deadLetterTopic + ": " + reason);
    deadLettered.incrementAndGet();
    notify(() -> listener.poison(position, true, reason));
    return true;
  }

  private static String reason(Throwable e) {
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m;
  }

  private void notify(Runnable event) {
    try {
      event.run();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "a RelayListener threw, ignored: " + e);
    }
  }

  // ------------------------------------------------------------------ commits and pauses

  private void commit(boolean sync) {
    long now = System.nanoTime();
    if (!sync && now - nextCommitNanos < 0) {
      return;
    }
    nextCommitNanos = now + commitIntervalNanos;
    commitLanes(lanes.values(), sync);
  }

  private void commitLanes(Collection<Lane> which, boolean sync) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    int items = 0;
    for (Lane lane : which) {
      if (lane.nextOffset >= 0) {
        offsets.put(lane.tp, new OffsetAndMetadata(lane.nextOffset));
        items += lane.uncommittedItems;
        lane.nextOffset = -1;
        lane.uncommittedItems = 0;
      }
    }
    if (offsets.isEmpty()) {
      return;
    }
    int n = items;
    if (!sync) {
      consumer.commitAsync(offsets, (o, e) -> {
        if (e == null) {
          commits.incrementAndGet();
          notify(() -> listener.committed(n));
        } else {
          LOG.log(Level.WARNING, "committing offsets failed (they are committed with the next ones): " + e);
        }
      });
      return;
    }
    for (int attempt = 1; ; attempt++) {
      try {
        consumer.commitSync(offsets, Duration.ofSeconds(10));
        commits.incrementAndGet();
        notify(() -> listener.committed(n));
        return;
      } catch (WakeupException e) {
        if (attempt == 3) {
          throw e;
        }
      }
    }
  }

  private void adjustPauses() {
    Set<TopicPartition> paused = consumer.paused();
    List<TopicPartition> pause = new ArrayList<>();
    List<TopicPartition> resume = new ArrayList<>();
    for (Lane lane : lanes.values()) {
      boolean full = lane.pending.size() >= maxBuffered;
      boolean isPaused = paused.contains(lane.tp);
      if (full && !isPaused) {
        pause.add(lane.tp);
      } else if (!full && isPaused) {
        resume.add(lane.tp);
      }
    }
    if (!pause.isEmpty()) {
      consumer.pause(pause);
    }
    if (!resume.isEmpty()) {
      consumer.resume(resume);
    }
  }

  /** Runs inside poll, on the loop's thread. */
  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      for (TopicPartition tp : partitions) {
        lanes.computeIfAbsent(tp, Lane::new);
      }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      // let what is in flight for these partitions finish, then commit it, so the next owner
      // starts after it rather than publishing it again
      Set<TopicPartition> revoked = new HashSet<>(partitions);
      completeWhile(() -> anyBusy(revoked));
      List<Lane> leaving = new ArrayList<>();
      for (TopicPartition tp : partitions) {
        Lane lane = lanes.remove(tp);
        if (lane != null) {
          lane.gone = true;
          leaving.add(lane);
        }
      }
      try {
        commitLanes(leaving, true);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "committing revoked partitions failed, their next owner repeats some records: " + e);
      }
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      for (TopicPartition tp : partitions) {
        Lane lane = lanes.remove(tp);
        if (lane != null) {
          lane.gone = true;
        }
      }
    }

    private boolean anyBusy(Set<TopicPartition> partitions) {
      for (TopicPartition tp : partitions) {
        Lane lane = lanes.get(tp);
        if (lane != null && lane.busy) {
          return true;
        }
      }
      return false;
    }
  }
}
