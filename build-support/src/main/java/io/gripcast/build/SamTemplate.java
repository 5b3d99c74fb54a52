package io.gripcast.build;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A SAM template read as plain maps and lists. CloudFormation's short-form functions ({@code !Ref X},
 * {@code !Sub "..."}, {@code !GetAtt A.B}) become their long form ({@code {"Ref": "X"}}, ...), so a
 * test can check what a reference points at. (Jackson's YAML reader drops these tags, hence
 * SnakeYAML, the parser under it, with constructors for the tags.) Used by the Lambda examples'
 * SamTemplateIT; failures are {@link AssertionError}s naming what is wrong.
 */
public final class SamTemplate {
  private final Map<String, Object> root;

  private SamTemplate(Map<String, Object> root) {
    this.root = root;
  }

  /** Reads a SAM (CloudFormation) template. */
  public static SamTemplate read(Path file) throws IOException {
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      Map<String, Object> root = new Yaml(new CfnConstructor()).load(r);
      return new SamTemplate(root);
    }
  }

  /** The template's top level. */
  public Map<String, Object> root() {
    return root;
  }

  /** {@code o} as a mapping; {@code what} names it in the failure. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> map(Object o, String what) {
    if (!(o instanceof Map)) {
      throw new AssertionError(what + " is not a mapping: " + o);
    }
    return (Map<String, Object>) o;
  }

  /** A top-level section: {@code Resources}, {@code Parameters}, {@code Outputs}, ... */
  public Map<String, Object> section(String name) {
    return map(root.get(name), name);
  }

  /** A resource by its logical id. */
  public Map<String, Object> resource(String name) {
    return map(section("Resources").get(name), "Resources." + name);
  }

  /** A resource's {@code Properties}. */
  public Map<String, Object> properties(String resource) {
    return map(resource(resource).get("Properties"), "Resources." + resource + ".Properties");
  }

  /** A function property, falling back to Globals.Function as SAM does. */
  public Object functionProperty(String function, String property) {
    Object own = properties(function).get(property);
    if (own != null) {
      return own;
    }
    Object globals = root.get("Globals");
    if (globals == null) {
      return null;
    }
    Object fn = map(globals, "Globals").get("Function");
    return fn == null ? null : map(fn, "Globals.Function").get(property);
  }

  /** The target of a {@code !Ref}, or null when {@code value} is not one. */
  public static String ref(Object value) {
    return value instanceof Map<?, ?> m && m.size() == 1 && m.get("Ref") instanceof String s ? s : null;
  }

  private static final class CfnConstructor extends SafeConstructor {
    CfnConstructor() {
      super(new LoaderOptions());
      for (String fn : List.of("Ref", "Sub", "GetAtt", "Join", "If", "Equals", "Not", "And", "Or", "Select",
          "Split", "FindInMap", "ImportValue", "GetAZs", "Base64", "Condition")) {
        String key = fn.equals("Ref") || fn.equals("Condition") ? fn : "Fn::" + fn;
        this.yamlConstructors.put(new Tag("!" + fn), new AbstractConstruct() {
          @Override
          public Object construct(Node node) {
            Object value;
            if (node instanceof ScalarNode s) {
              value = fn.equals("GetAtt") ? List.of(s.getValue().split("\\.", 2)) : s.getValue();
            } else if (node instanceof SequenceNode q) {
              value = constructSequence(q);
            } else {
              value = constructMapping((org.yaml.snakeyaml.nodes.MappingNode) node);
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put(key, value);
            return m;
          }
        });
      }
    }
  }

  /** {@code function} is an {@code AWS::Serverless::Function}, in a template with SAM's transform. */
  public void assertServerlessFunction(String function) {
    expect("AWS::Serverless-2016-10-31", root.get("Transform"), "Transform");
    expect("AWS::Serverless::Function", resource(function).get("Type"), "Resources." + function + ".Type");
  }

  /**
   * {@code function}'s CodeUri is {@code jar} (relative to {@code base}, the template's folder), a
   * prebuilt jar ({@code SkipBuild}, since sam build cannot build from one), and its Handler is
   * {@code handlerClass::handleRequest}, which that jar alone loads ({@link #assertJarRunsHandler}).
   */
  public void assertCodeUriRunsHandler(Path base, String function, String jar, Class<?> handlerClass) throws Exception {
    expect(jar, properties(function).get("CodeUri"), "Resources." + function + ".Properties.CodeUri");
    expect(Boolean.TRUE, map(resource(function).get("Metadata"), "Metadata").get("SkipBuild"),
        "Resources." + function + ".Metadata.SkipBuild (sam build cannot build from a jar)");
    String handler = (String) properties(function).get("Handler");
    expect(handlerClass.getName() + "::handleRequest", handler, "Resources." + function + ".Properties.Handler");
    assertJarRunsHandler(base.resolve(jar), handler);
  }

  private static void expect(Object expected, Object actual, String what) {
    if (!expected.equals(actual)) {
      throw new AssertionError(what + ": expected <" + expected + "> but was <" + actual + ">");
    }
  }

  /**
   * Loads {@code handler} ("class::method") from {@code jar} alone (nothing from the test class
   * path but the JDK), as Lambda would, and checks it is a {@code RequestHandler} with that method.
   */
  public static void assertJarRunsHandler(java.nio.file.Path jar, String handler) throws Exception {
    if (!java.nio.file.Files.isRegularFile(jar)) {
      throw new AssertionError("CodeUri " + jar + " does not exist: the template must point at the jar the pom builds");
    }
    String[] parts = handler.split("::");
    if (parts.length != 2) {
      throw new AssertionError("Handler must be class::method, was " + handler);
    }
    try (java.net.URLClassLoader loader = new java.net.URLClassLoader(new java.net.URL[] {jar.toUri().toURL()},
        ClassLoader.getPlatformClassLoader())) {
      Class<?> cls = Class.forName(parts[0], false, loader);
      Class<?> requestHandler = Class.forName("com.amazonaws.services.lambda.runtime.RequestHandler", false, loader);
      if (!requestHandler.isAssignableFrom(cls)) {
        throw new AssertionError(parts[0] + " does not implement RequestHandler");
      }
      boolean hasMethod = false;
      for (java.lang.reflect.Method m : cls.getMethods()) {
        hasMethod |= m.getName().equals(parts[1]) && m.getParameterCount() == 2;
      }
      if (!hasMethod) {
        throw new AssertionError(parts[0] + " has no public " + parts[1] + "(event, context)");
      }
      cls.getConstructor(); // Lambda instantiates the handler with its no-argument constructor
      // the SnapStart hooks must be in the jar: Lambda's runtime does not provide org.crac
      Class.forName("org.crac.Core", false, loader);
    }
  }
}
