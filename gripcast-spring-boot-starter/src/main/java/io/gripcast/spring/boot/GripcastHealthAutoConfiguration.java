package io.gripcast.spring.boot;

import io.gripcast.config.Endpoint;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;

/**
 * The Actuator health contributor {@code gripcast}: one {@link GripcastEndpointHealthIndicator}
 * per endpoint, named {@code endpoint-1}, {@code endpoint-2}, ... in configuration order. Nothing
 * is published to check them.
 */
@AutoConfiguration(after = GripcastAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBooleanProperty(name = "gripcast.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "gripcast.health.enabled", matchIfMissing = true)
@Conditional(Conditions.OnEndpoint.class)
public class GripcastHealthAutoConfiguration {

  /**
   * The contributor; its bean name makes it {@code gripcast} in /actuator/health.
   *
   * @param properties gripcast.* properties
   * @param environment for GRIP_URL
   * @return one indicator per endpoint
   */
  @Bean
  public CompositeHealthContributor gripcastHealthContributor(GripcastProperties properties, Environment environment) {
    List<Endpoint> endpoints = GripcastSettings.endpoints(properties, environment);
    Map<String, HealthIndicator> indicators = new LinkedHashMap<>();
    for (int i = 0; i < endpoints.size(); i++) {
      indicators.put("endpoint-" + (i + 1),
          new GripcastEndpointHealthIndicator(endpoints.get(i), properties.getHealth().getTimeout()));
    }
    return CompositeHealthContributor.fromMap(indicators);
  }
}
