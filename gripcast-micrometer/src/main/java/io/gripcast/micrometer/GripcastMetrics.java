package io.gripcast.micrometer;

import io.gripcast.BufferedPublisher;
import io.gripcast.EndpointResult;
import io.gripcast.Outcome;
import io.gripcast.PublishListener;
import io.gripcast.PublishResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Micrometer meters for gripcast.
 *
 * <p>A publisher reports to one {@link PublishListener}; {@link #listener(MeterRegistry)} returns
 * one that records these meters (see docs/metrics.md):
 * <ul>
 *   <li>{@code gripcast.publish} (timer), tags {@code endpoint}, {@code outcome}: one per publish
 *       call and endpoint, timed from the first attempt to the outcome;</li>
 *   <li>{@code gripcast.items} (counter), tags {@code endpoint}, {@code outcome}: the call's items,
 *       those the endpoint accepted under {@code outcome=published} ({@code outcome=sent} for a
 *       ZeroMQ endpoint, which acknowledges nothing), the others under the failure's outcome;</li>
 *   <li>{@code gripcast.attempts} and {@code gripcast.retries} (counters), tag {@code endpoint}:
 *       HTTP attempts sent, and retries scheduled.</li>
 * </ul>
 * {@code endpoint} is the publish URL without credentials, {@code outcome} the lower-case
 * {@link Outcome} name ({@code published}, {@code rejected}, {@code auth_refused},
 * {@code unavailable}, {@code unknown}, {@code cancelled}). No meter is tagged with a channel: the
 * tags stay few, whatever the number of channels.
 *
 * <pre>{@code
 * Publisher publisher = Publisher.builder()
 *     .endpoint(gripUrl)
 *     .listener(GripcastMetrics.chain(GripcastMetrics.listener(registry), myListener))
 *     .build();
 * GripcastMetrics.buffer(buffered).bindTo(registry);
 * }</pre>
 */
public final class GripcastMetrics {
  private GripcastMetrics() {}

  /**
   * A listener that records the publish meters in {@code registry}.
   *
   * @param registry where the meters go
   * @return a listener for {@link io.gripcast.Publisher.Builder#listener(PublishListener)}
   */
  public static PublishListener listener(MeterRegistry registry) {
    return listener(registry, Tags.empty());
  }

  /**
   * A listener that records the publish meters in {@code registry}, each with {@code tags} too
   * (for example a tag telling several publishers apart).
   *
   * @param registry where the meters go
   * @param tags added to every meter; keep their values few
   * @return a listener for {@link io.gripcast.Publisher.Builder#listener(PublishListener)}
   */
  public static PublishListener listener(MeterRegistry registry, Iterable<Tag> tags) {
    return new MetricsListener(Objects.requireNonNull(registry, "registry"), Tags.of(Objects.requireNonNull(tags, "tags")));
  }

  /**
   * One listener that passes every event to each of {@code listeners}, in order. An exception
   * thrown by one does not keep the event from the next.
   *
   * @param listeners the listeners to call
   * @return a listener calling them all
   */
  public static PublishListener chain(PublishListener... listeners) {
    List<PublishListener> all = List.of(listeners); // throws on null
    return new PublishListener() {
      @Override
      public void onAttempt(Attempt attempt) {
        for (PublishListener l : all) {
          try {
            l.onAttempt(attempt);
          } catch (RuntimeException ignored) {
            // as the publisher does: a broken listener must not break the others
          }
        }
      }

      @Override
      public void onRetry(Retry retry) {
        for (PublishListener l : all) {
          try {
            l.onRetry(retry);
          } catch (RuntimeException ignored) {
            // as above
          }
        }
      }

      @Override
      public void onResult(PublishResult result) {
        for (PublishListener l : all) {
          try {
            l.onResult(result);
          } catch (RuntimeException ignored) {
            // as above
          }
        }
      }
    };
  }

  /**
   * Gauges over a buffered publisher's queue: {@code gripcast.buffer.queued} (items waiting),
   * {@code gripcast.buffer.inflight} (items of the batch being gathered or sent),
   * {@code gripcast.buffer.capacity} (the queue's bound in items) and
   * {@code gripcast.buffer.queued.bytes} (the estimated bytes waiting, what
   * {@code maxQueuedBytes} bounds). The gauges hold the buffer weakly: they
   * do not keep a discarded buffer alive.
   *
   * @param buffer the buffered publisher
   * @return a binder; call {@link MeterBinder#bindTo(MeterRegistry)} (Spring Boot binds
   *     {@code MeterBinder} beans itself)
   */
  public static MeterBinder buffer(BufferedPublisher buffer) {
    return buffer(buffer, Tags.empty());
  }

  /**
   * As {@link #buffer(BufferedPublisher)}, each gauge with {@code tags} too (to tell several
   * buffers apart).
   *
   * @param buffer the buffered publisher
   * @param tags added to every gauge; keep their values few
   * @return a binder; call {@link MeterBinder#bindTo(MeterRegistry)}
   */
  public static MeterBinder buffer(BufferedPublisher buffer, Iterable<Tag> tags) {
    Objects.requireNonNull(buffer, "buffer");
    Tags t = Tags.of(Objects.requireNonNull(tags, "tags"));
    return registry -> {
      Gauge.builder("gripcast.buffer.queued", buffer, BufferedPublisher::queued)
          .description("Items waiting in the buffered publisher's queue")
          .tags(t)
          .register(registry);
      Gauge.builder("gripcast.buffer.inflight", buffer, BufferedPublisher::inFlight)
          .description("Items the buffered publisher took from its queue and is sending")
          .tags(t)
          .register(registry);
      Gauge.builder("gripcast.buffer.capacity", buffer, BufferedPublisher::capacity)
          .description("The most items the buffered publisher's queue holds")
          .tags(t)
          .register(registry);
      Gauge.builder("gripcast.buffer.queued.bytes", buffer, BufferedPublisher::queuedBytes)
          .description("Estimated bytes of the items waiting in the buffered publisher's queue")
          .baseUnit("bytes")
          .tags(t)
          .register(registry);
    };
  }

  /** The lower-case outcome name used as the {@code outcome} tag. */
  static String tagValue(Outcome outcome) {
    return outcome.name().toLowerCase(Locale.ROOT);
  }

  private static final class MetricsListener implements PublishListener {
    private final Meter.MeterProvider<Timer> publishes;
    private final Meter.MeterProvider<Counter> items;
    private final Meter.MeterProvider<Counter> attempts;
    private final Meter.MeterProvider<Counter> retries;

    MetricsListener(MeterRegistry registry, Tags tags) {
      publishes = Timer.builder("gripcast.publish")
          .description("Publish calls per endpoint, from the first attempt to the outcome")
          .tags(tags)
          .withRegistry(registry);
      items = Counter.builder("gripcast.items")
          .description("Items published (outcome=published) or not (the failure's outcome) per endpoint")
          .tags(tags)
          .withRegistry(registry);
      attempts = Counter.builder("gripcast.attempts")
          .description("HTTP publish attempts sent, retries included")
          .tags(tags)
          .withRegistry(registry);
      retries = Counter.builder("gripcast.retries")
          .description("Retries scheduled after a retryable failure")
          .tags(tags)
          .withRegistry(registry);
    }

    @Override
    public void onAttempt(Attempt attempt) {
      attempts.withTags("endpoint", attempt.endpoint()).increment();
    }

    @Override
    public void onRetry(Retry retry) {
      retries.withTags("endpoint", retry.endpoint()).increment();
    }

    @Override
    public void onResult(PublishResult result) {
      for (EndpointResult e : result.endpoints()) {
        String outcome = tagValue(e.outcome());
        publishes.withTags("endpoint", e.endpoint(), "outcome", outcome).record(e.elapsed());
        int published = Math.max(0, Math.min(e.itemsPublished(), result.items()));
        if (published > 0) {
          // a ZeroMQ send is counted as sent, never as published: nothing acknowledged it
          Outcome accepted = e.outcome() == Outcome.SENT ? Outcome.SENT : Outcome.PUBLISHED;
          items.withTags("endpoint", e.endpoint(), "outcome", tagValue(accepted)).increment(published);
        }
        int notPublished = result.items() - published;
        if (!e.success() && notPublished > 0) {
          items.withTags("endpoint", e.endpoint(), "outcome", outcome).increment(notPublished);
        }
      }
    }
  }
}
