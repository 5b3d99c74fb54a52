package io.gripcast.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.gripcast.BufferedPublisher;
import io.gripcast.PublishListener;
import io.gripcast.Publisher;
import io.gripcast.SuccessPolicy;
import io.gripcast.servlet.GripSigFilter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;

/** Which beans the auto-configuration makes, from which properties. */
class AutoConfigurationTest {
  private static final AutoConfigurations ALL = AutoConfigurations.of(
      GripcastAutoConfiguration.class, GripcastMetricsAutoConfiguration.class, GripcastHealthAutoConfiguration.class,
      GripcastServletAutoConfiguration.class, GripcastWebMvcAutoConfiguration.class);

  private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(ALL);

  @Test
  void noEndpointMeansNoPublisherAndNoHealth() {
    runner.run(ctx -> {
      assertThat(ctx).hasNotFailed();
      assertThat(ctx).doesNotHaveBean(Publisher.class);
      assertThat(ctx).doesNotHaveBean(CompositeHealthContributor.class);
      assertThat(ctx).hasSingleBean(GripcastProperties.class);
    });
  }

  @Test
  void endpointsGiveAPublisherForEachAndAHealthIndicatorPerEndpoint() {
    runner.withPropertyValues("gripcast.endpoints[0]=http://127.0.0.1:5561", "gripcast.endpoints[1]=http://127.0.0.1:5562/base")
        .run(ctx -> {
          Publisher p = ctx.getBean(Publisher.class);
          assertThat(p.endpoints()).hasSize(2);
          assertThat(p.endpoints().get(1)).contains("5562");
          CompositeHealthContributor health = ctx.getBean("gripcastHealthContributor", CompositeHealthContributor.class);
          assertThat(health.getContributor("endpoint-1")).isInstanceOf(GripcastEndpointHealthIndicator.class);
          assertThat(health.getContributor("endpoint-2")).isInstanceOf(GripcastEndpointHealthIndicator.class);
          assertThat(health.getContributor("endpoint-3")).isNull();
          assertThat(ctx).doesNotHaveBean(BufferedPublisher.class);
        });
  }

  @Test
  void gripUrlFromTheEnvironmentIsUsedWhenNoEndpointIsListed() {
    runner.withPropertyValues("GRIP_URL=http://127.0.0.1:7999").run(ctx -> {
      assertThat(ctx.getBean(Publisher.class).endpoints()).singleElement().asString().contains("7999");
    });
  }

  @Test
  void everyPropertyBinds() {
    runner.withPropertyValues(
            "gripcast.endpoints=http://127.0.0.1:5561",
            "gripcast.channel-prefix=app-",
            "gripcast.success-policy=any",
            "gripcast.retry.max-attempts=2",
            "gripcast.retry.initial-backoff=50ms",
            "gripcast.retry.multiplier=3",
            "gripcast.retry.max-backoff=2s",
            "gripcast.retry.jitter=0.1",
            "gripcast.retry.total-budget=9s",
            "gripcast.timeouts.connect=1s",
            "gripcast.timeouts.read=2s",
            "gripcast.timeouts.write=3s",
            "gripcast.timeouts.call=4s",
            "gripcast.timeouts.close=6s",
            "gripcast.buffer.enabled=true",
            "gripcast.buffer.capacity=77",
            "gripcast.buffer.max-batch-items=7",
            "gripcast.buffer.linger=20ms",
            "gripcast.buffer.overflow=reject",
            "gripcast.buffer.offer-timeout=3s",
            "gripcast.buffer.close-timeout=12s",
            "gripcast.health.enabled=true",
            "gripcast.health.timeout=750ms",
            "gripcast.grip-sig.verify-keys=k1,k2",
            "gripcast.grip-sig.expected-issuer=pushpin",
            "gripcast.grip-sig.required=false",
            "gripcast.grip-sig.url-patterns=/ws/*,/api/*")
        .run(ctx -> {
          GripcastProperties p = ctx.getBean(GripcastProperties.class);
          assertThat(p.getChannelPrefix()).isEqualTo("app-");
          assertThat(p.getSuccessPolicy()).isEqualTo(SuccessPolicy.ANY);
          assertThat(p.getRetry().getMaxAttempts()).isEqualTo(2);
          assertThat(p.getRetry().getInitialBackoff()).isEqualTo(Duration.ofMillis(50));
          assertThat(p.getRetry().getMultiplier()).isEqualTo(3.0);
          assertThat(p.getRetry().getMaxBackoff()).isEqualTo(Duration.ofSeconds(2));
          assertThat(p.getRetry().getJitter()).isEqualTo(0.1);
          assertThat(p.getRetry().getTotalBudget()).isEqualTo(Duration.ofSeconds(9));
          assertThat(p.getTimeouts().getConnect()).isEqualTo(Duration.ofSeconds(1));
          assertThat(p.getTimeouts().getRead()).isEqualTo(Duration.ofSeconds(2));
          assertThat(p.getTimeouts().getWrite()).isEqualTo(Duration.ofSeconds(3));
          assertThat(p.getTimeouts().getCall()).isEqualTo(Duration.ofSeconds(4));
          assertThat(p.getTimeouts().getClose()).isEqualTo(Duration.ofSeconds(6));
          assertThat(p.getBuffer().getMaxBatchItems()).isEqualTo(7);
          assertThat(p.getBuffer().getLinger()).isEqualTo(Duration.ofMillis(20));
          assertThat(p.getBuffer().getOverflow()).isEqualTo(BufferedPublisher.Overflow.REJECT);
          assertThat(p.getBuffer().getOfferTimeout()).isEqualTo(Duration.ofSeconds(3));
          assertThat(p.getBuffer().getCloseTimeout()).isEqualTo(Duration.ofSeconds(12));
          assertThat(p.getHealth().getTimeout()).isEqualTo(Duration.ofMillis(750));
          assertThat(p.getGripSig().getVerifyKeys()).containsExactly("k1", "k2");
          assertThat(p.getGripSig().getExpectedIssuer()).isEqualTo("pushpin");
          assertThat(p.getGripSig().isRequired()).isFalse();
          assertThat(p.getGripSig().getUrlPatterns()).containsExactly("/ws/*", "/api/*");
          // the bound values reach the beans
          assertThat(ctx.getBean(BufferedPublisher.class).capacity()).isEqualTo(77);
          assertThat(ctx.getBean(Publisher.class)).isNotNull();
        });
  }

  @Test
  void aBadUrlFailsStartupNamingThePartWithoutTheSecret() {
    runner.withPropertyValues("gripcast.endpoints=ftp://127.0.0.1:5561?key=topsecret").run(ctx -> {
      assertThat(ctx).hasFailed();
      String messages = String.valueOf(ctx.getStartupFailure()) + ctx.getStartupFailure().getCause();
      assertThat(messages).doesNotContain("topsecret");
      assertThat(ctx.getStartupFailure()).rootCause().hasMessageContaining("scheme");
    });
  }

  @Test
  void metersAreBoundWhenThereIsARegistry() {
    runner.withPropertyValues("gripcast.endpoints=http://127.0.0.1:5561", "gripcast.buffer.enabled=true")
        .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
        .run(ctx -> {
          assertThat(ctx).hasBean("gripcastMetricsListener");
          assertThat(ctx).hasBean("gripcastBufferMetrics");
          MeterRegistry registry = ctx.getBean(MeterRegistry.class);
          ctx.getBean("gripcastBufferMetrics", io.micrometer.core.instrument.binder.MeterBinder.class).bindTo(registry);
          assertThat(registry.find("gripcast.buffer.capacity").gauge()).isNotNull();
        });
  }

  @Test
  void noMetersWithoutARegistryOrWithoutMicrometer() {
    runner.withPropertyValues("gripcast.endpoints=http://127.0.0.1:5561").run(ctx -> {
      assertThat(ctx).doesNotHaveBean(PublishListener.class);
      assertThat(ctx).hasSingleBean(Publisher.class);
    });
    runner.withPropertyValues("gripcast.endpoints=http://127.0.0.1:5561")
        .withClassLoader(new FilteredClassLoader(MeterRegistry.class))
        .run(ctx -> {
          assertThat(ctx).doesNotHaveBean(PublishListener.class);
          assertThat(ctx).hasSingleBean(Publisher.class);
        });
  }

  @Test
  void theFilterIsRegisteredOnlyWithAVerifyKey() {
    WebApplicationContextRunner web = new WebApplicationContextRunner().withConfiguration(ALL);
    web.run(ctx -> assertThat(ctx).doesNotHaveBean(FilterRegistrationBean.class));
    web.withPropertyValues("gripcast.grip-sig.verify-keys=secret-one", "gripcast.grip-sig.url-patterns=/ws/*")
        .run(ctx -> {
          FilterRegistrationBean<?> r = ctx.getBean(FilterRegistrationBean.class);
          assertThat(r.getFilter()).isInstanceOf(GripSigFilter.class);
          assertThat(r.getUrlPatterns()).containsExactly("/ws/*");
          assertThat(((GripSigFilter) r.getFilter()).requiresSigned()).isTrue();
          assertThat(r.getFilter().toString()).doesNotContain("secret-one");
        });
    // an endpoint's verify-key counts too
    web.withPropertyValues("gripcast.endpoints=http://127.0.0.1:5561?verify-key=from-url")
        .run(ctx -> assertThat(ctx).hasSingleBean(FilterRegistrationBean.class));
    // and nothing outside a web application
    runner.withPropertyValues("gripcast.grip-sig.verify-keys=secret-one")
        .run(ctx -> assertThat(ctx).doesNotHaveBean(FilterRegistrationBean.class));
  }

  @Test
  void gripcastEnabledFalseTurnsEverythingOff() {
    runner.withPropertyValues("gripcast.enabled=false", "gripcast.endpoints=http://127.0.0.1:5561")
        .run(ctx -> assertThat(ctx).doesNotHaveBean(Publisher.class));
  }

  @Test
  void theMetadataDescribesThePropertiesForIdes() throws Exception {
    String json;
    try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      assertThat(in).as("spring-configuration-metadata.json on the class path").isNotNull();
      json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(json).contains("\"gripcast.endpoints\"", "\"gripcast.retry.max-attempts\"", "\"gripcast.buffer.enabled\"",
        "\"gripcast.grip-sig.verify-keys\"", "\"gripcast.timeouts.call\"");
    assertThat(json).contains("\"defaultValue\": \"15s\"").as("the call timeout's default");
    assertThat(json).contains("\"\\/*\"").as("the url-patterns default from the additional metadata");
  }

  @Test
  void theBufferDefaultsAreTheLibrarysOwn() {
    assertThat(new GripcastProperties.Buffer().getMaxBatchItems())
        .as("gripcast.buffer.max-batch-items, a literal for the metadata")
        .isEqualTo(io.gripcast.BufferedPublisher.DEFAULT_BATCH_ITEMS);
  }
}
