package io.gripcast.spring.boot;

import io.gripcast.BufferedPublisher;
import io.gripcast.PublishListener;
import io.gripcast.Publisher;
import io.gripcast.RetryPolicy;
import io.gripcast.config.Endpoint;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;

/**
 * gripcast's core beans: a {@link Publisher} for the configured endpoints (gripcast.endpoints or
 * GRIP_URL) and, with {@code gripcast.buffer.enabled=true}, a {@link BufferedPublisher} that is
 * flushed when the context closes (after the web server has finished its requests on graceful
 * shutdown, as beans are destroyed after lifecycles stop). Health, metrics, the Grip-Sig filter and
 * MVC support have their own auto-configurations.
 */
@AutoConfiguration
@ConditionalOnBooleanProperty(name = "gripcast.enabled", matchIfMissing = true)
@EnableConfigurationProperties(GripcastProperties.class)
public class GripcastAutoConfiguration {

  /**
   * The publisher.
   *
   * @param properties gripcast.* properties
   * @param environment for GRIP_URL
   * @param listeners every PublishListener bean (the meters' among them), chained in order
   * @param customizers applied last
   * @return the publisher, closed with the context
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  @Conditional(Conditions.OnEndpoint.class)
  public Publisher gripcastPublisher(GripcastProperties properties, Environment environment,
      ObjectProvider<PublishListener> listeners, ObjectProvider<GripcastPublisherCustomizer> customizers) {
    Publisher.Builder b = Publisher.builder();
    for (Endpoint e : GripcastSettings.endpoints(properties, environment)) {
      b.endpoint(e);
    }
    GripcastProperties.Retry r = properties.getRetry();
    GripcastProperties.Timeouts t = properties.getTimeouts();
    b.channelPrefix(properties.getChannelPrefix())
        .successPolicy(properties.getSuccessPolicy())
        .retryPolicy(RetryPolicy.builder()
            .maxAttempts(r.getMaxAttempts())
            .backoff(r.getInitialBackoff(), r.getMultiplier(), r.getMaxBackoff())
            .jitter(r.getJitter())
            .totalBudget(r.getTotalBudget())
            .build())
        .connectTimeout(t.getConnect())
        .readTimeout(t.getRead())
        .writeTimeout(t.getWrite())
        .callTimeout(t.getCall())
        .closeTimeout(t.getClose());
    List<PublishListener> all = listeners.orderedStream().toList();
    if (!all.isEmpty()) {
      b.listener(ListenerChain.of(all));
    }
    customizers.orderedStream().forEach(c -> c.customize(b));
    return b.build();
  }

  /**
   * The buffered publisher, when {@code gripcast.buffer.enabled=true}. Closing it (at shutdown)
   * sends what is queued, waiting up to {@code gripcast.buffer.close-timeout}.
   *
   * @param publisher the publisher it sends with
   * @param properties gripcast.buffer.*
   * @return the buffered publisher
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  @ConditionalOnBooleanProperty(name = "gripcast.buffer.enabled")
  @Conditional(Conditions.OnEndpoint.class)
  public BufferedPublisher gripcastBufferedPublisher(Publisher publisher, GripcastProperties properties) {
    GripcastProperties.Buffer p = properties.getBuffer();
    return BufferedPublisher.builder(publisher)
        .capacity(p.getCapacity())
        .maxBatchItems(p.getMaxBatchItems())
        .linger(p.getLinger())
        .overflow(p.getOverflow())
        .offerTimeout(p.getOfferTimeout())
        .closeTimeout(p.getCloseTimeout())
        .build();
  }
}
