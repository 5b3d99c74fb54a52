package io.gripcast.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.gripcast.testing.PushpinInstance;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The health indicator against a real Pushpin: UP while it runs, DOWN once it is stopped. */
class HealthIndicatorPushpinTest {
  @Test
  void upWhileRunningDownWhenStopped() {
    PushpinInstance pushpin = PushpinInstance.builder().route("* 127.0.0.1:9").startOrSkip();
    try {
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(GripcastAutoConfiguration.class, GripcastHealthAutoConfiguration.class))
          .withPropertyValues("gripcast.endpoints=" + pushpin.gripUrl() + "?key=not-for-details",
              "gripcast.health.timeout=1s")
          .run(ctx -> {
            HealthIndicator indicator = (HealthIndicator) ctx
                .getBean("gripcastHealthContributor", CompositeHealthContributor.class).getContributor("endpoint-1");
            Health up = indicator.health();
            assertThat(up.getStatus()).isEqualTo(Status.UP);
            assertThat(up.getDetails()).containsEntry("status", 200);
            assertThat(String.valueOf(up.getDetails())).doesNotContain("not-for-details");

            pushpin.stop();
            Health down = indicator.health();
            assertThat(down.getStatus()).isEqualTo(Status.DOWN);
            assertThat(String.valueOf(down.getDetails().get("error"))).startsWith("not reachable");
            assertThat(String.valueOf(down.getDetails())).doesNotContain("not-for-details");
          });
    } finally {
      pushpin.close();
    }
  }

  @Test
  void aSilentEndpointIsDownWithinTheTimeout() throws Exception {
    // a listening socket that never answers: the check must end at its timeout, not hang
    try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Health h = new GripcastEndpointHealthIndicator(
          io.gripcast.config.GripUrl.parse("http://127.0.0.1:" + silent.getLocalPort()), Duration.ofMillis(300)).health();
      assertThat(h.getStatus()).isEqualTo(Status.DOWN);
      assertThat(String.valueOf(h.getDetails().get("error"))).contains("no answer within 300 ms");
    }
  }
}
