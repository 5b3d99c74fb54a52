package io.gripcast.examples.broadcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gripcast.build.SamTemplate;
import io.gripcast.config.GripUrl;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * template.yaml against the code and the packaged jar (after {@code package}): what a deployment
 * would break on, without AWS. Not a full CloudFormation/SAM validation (see docs/lambda.md).
 */
class SamTemplateIT {

  static final Path BASE = Path.of("").toAbsolutePath();
  static final String FN = "BroadcastFunction";

  final SamTemplate t;

  SamTemplateIT() throws Exception {
    t = SamTemplate.read(BASE.resolve("template.yaml"));
  }

  @Test
  void isASamTemplate() {
    t.assertServerlessFunction(FN);
  }

  @Test
  void codeUriIsTheShadedJarAndItRunsTheHandler() throws Exception {
    t.assertCodeUriRunsHandler(BASE, FN, "target/lambda-scheduled-broadcast.jar", BroadcastHandler.class);
  }

  @Test
  void snapStartOnJava21BehindAnAliasWithTimeForRetries() {
    assertEquals("java21", t.functionProperty(FN, "Runtime"), "java17 is past its Lambda deprecation (creation blocked since 2026-07-31); the Java 17 jar runs on java21");
    assertEquals(Map.of("ApplyOn", "PublishedVersions"), t.functionProperty(FN, "SnapStart"));
    assertEquals("live", t.functionProperty(FN, "AutoPublishAlias"));
    int timeout = ((Number) t.functionProperty(FN, "Timeout")).intValue();
    assertTrue(timeout >= 15, "5 s per attempt, retries within 10 s (see the README): " + timeout);
  }

  @Test
  void theEnvironmentIsWhatTheHandlerReadsAndGripUrlIsARequiredNoEchoParameter() {
    Map<String, Object> vars = SamTemplate.map(SamTemplate.map(t.functionProperty(FN, "Environment"), "Environment")
        .get("Variables"), "Variables");
    assertEquals(Set.of(GripUrl.ENV_GRIP_URL, BroadcastConfig.ENV_CHANNELS, BroadcastConfig.ENV_TEXT), vars.keySet());
    Map<String, Object> params = t.section("Parameters");
    for (Object v : vars.values()) {
      String param = SamTemplate.ref(v);
      assertNotNull(param, "from a parameter: " + v);
      assertNotNull(params.get(param), "no parameter " + param);
    }
    Map<String, Object> gripUrl = SamTemplate.map(params.get(SamTemplate.ref(vars.get(GripUrl.ENV_GRIP_URL))), "GripUrl");
    assertEquals(Boolean.TRUE, gripUrl.get("NoEcho"), "GRIP_URL may carry an API token: NoEcho");
    assertNull(gripUrl.get("Default"), "required: the handler cannot publish without it");
    assertEquals(BroadcastConfig.DEFAULT_CHANNEL,
        SamTemplate.map(params.get(SamTemplate.ref(vars.get(BroadcastConfig.ENV_CHANNELS))), "channels").get("Default"));
  }

  @Test
  void anEventBridgeScheduleFromAParameterInvokesIt() {
    Map<String, Object> events = SamTemplate.map(t.properties(FN).get("Events"), "Events");
    assertEquals(1, events.size());
    Map<String, Object> event = SamTemplate.map(events.values().iterator().next(), "event");
    // a rule, whose events carry the id and time the handler uses (ScheduleV2 sends no envelope)
    assertEquals("Schedule", event.get("Type"));
    Map<String, Object> p = SamTemplate.map(event.get("Properties"), "event Properties");
    String param = SamTemplate.ref(p.get("Schedule"));
    assertEquals("rate(1 minute)", SamTemplate.map(t.section("Parameters").get(param), param).get("Default"));
    assertEquals(Boolean.TRUE, p.get("Enabled"));
    Map<String, Object> alias = SamTemplate.map(t.section("Outputs").get("BroadcastFunctionAlias"), "Output");
    assertEquals(FN + "Alias" + t.functionProperty(FN, "AutoPublishAlias"), SamTemplate.ref(alias.get("Value")));
  }
}
