package io.gripcast.examples.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
  static final String FN = "EchoFunction";

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
    t.assertCodeUriRunsHandler(BASE, FN, "target/local-server.jar", EchoHandler.class);
  }

  @Test
  void snapStartOnJava21BehindAnAlias() {
    assertEquals("java21", t.functionProperty(FN, "Runtime"), "java17 is past its Lambda deprecation (creation blocked since 2026-07-31); the Java 17 jar runs on java21");
    assertEquals(Map.of("ApplyOn", "PublishedVersions"), t.functionProperty(FN, "SnapStart"));
    assertEquals("live", t.functionProperty(FN, "AutoPublishAlias"));
    int timeout = ((Number) t.functionProperty(FN, "Timeout")).intValue();
    assertTrue(timeout >= 3 && timeout <= 29, "under the HTTP API's 30 s integration timeout: " + timeout);
  }

  @Test
  void theEnvironmentIsWhatTheHandlerReadsFromNoEchoParameters() {
    Map<String, Object> vars = SamTemplate.map(SamTemplate.map(t.functionProperty(FN, "Environment"), "Environment")
        .get("Variables"), "Variables");
    assertEquals(Set.of(GripUrl.ENV_GRIP_URL, GripUrl.ENV_GRIP_VERIFY_KEY), vars.keySet());
    for (Object v : vars.values()) {
      String param = SamTemplate.ref(v);
      assertNotNull(param, "a parameter, never a value in the template: " + v);
      Map<String, Object> p = SamTemplate.map(t.section("Parameters").get(param), "Parameters." + param);
      assertEquals(Boolean.TRUE, p.get("NoEcho"), param + " holds secrets: NoEcho");
      assertEquals("", p.get("Default"), param + " is optional (empty = Grip-Sig check off)");
    }
  }

  @Test
  void anHttpApiSendsThePostsOfEveryPathToTheFunctionAndItsUrlIsAnOutput() {
    Map<String, Object> events = SamTemplate.map(t.properties(FN).get("Events"), "Events");
    Set<String> paths = new java.util.HashSet<>();
    for (Object e : events.values()) {
      Map<String, Object> event = SamTemplate.map(e, "event");
      assertEquals("HttpApi", event.get("Type"));
      Map<String, Object> p = SamTemplate.map(event.get("Properties"), "event Properties");
      assertEquals("POST", p.get("Method"), "the proxy forwards WebSocket-over-HTTP as POSTs");
      String api = SamTemplate.ref(p.get("ApiId"));
      assertEquals("AWS::Serverless::HttpApi", t.resource(api).get("Type"));
      paths.add((String) p.get("Path"));
    }
    assertEquals(Set.of("/", "/{proxy+}"), paths, "any path (/ws?channel=...) reaches the function");
    Map<String, Object> url = SamTemplate.map(t.section("Outputs").get("EchoApiUrl"), "Outputs.EchoApiUrl");
    String sub = (String) SamTemplate.map(url.get("Value"), "EchoApiUrl.Value").get("Fn::Sub");
    assertTrue(sub.contains("${EchoApi}.execute-api."), sub);
    // SAM names the alias resource <function>Alias<alias>
    Map<String, Object> alias = SamTemplate.map(t.section("Outputs").get("EchoFunctionAlias"), "Outputs.EchoFunctionAlias");
    assertEquals(FN + "Alias" + t.functionProperty(FN, "AutoPublishAlias"), SamTemplate.ref(alias.get("Value")));
  }
}
