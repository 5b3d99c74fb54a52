package io.gripcast.spring.boot;

import io.gripcast.BufferedPublisher;
import io.gripcast.PublishListener;
import io.gripcast.micrometer.GripcastMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * gripcast-micrometer's meters, when the application has Micrometer and a {@link MeterRegistry}:
 * a {@link PublishListener} recording gripcast.publish, .items, .attempts and .retries (the
 * publisher picks it up), and a {@link MeterBinder} for the buffer gauges (Spring Boot binds it).
 * Ordered after Spring Boot's registry auto-configuration, so its registry is seen.
 */
@AutoConfiguration(
    before = GripcastAutoConfiguration.class,
    afterName = {
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"})
@ConditionalOnClass({MeterRegistry.class, GripcastMetrics.class})
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnBooleanProperty(name = "gripcast.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "gripcast.metrics.enabled", matchIfMissing = true)
public class GripcastMetricsAutoConfiguration {

  /**
   * The publish meters' listener.
   *
   * @param registry where the meters go
   * @return the listener
   */
  @Bean
  public PublishListener gripcastMetricsListener(MeterRegistry registry) {
    return GripcastMetrics.listener(registry);
  }

  /**
   * The buffer gauges, bound when a {@link BufferedPublisher} bean exists.
   *
   * @param buffers the buffered publisher, if any
   * @return the binder
   */
  @Bean
  public MeterBinder gripcastBufferMetrics(ObjectProvider<BufferedPublisher> buffers) {
    return registry -> buffers.ifAvailable(b -> GripcastMetrics.buffer(b).bindTo(registry));
  }
}
