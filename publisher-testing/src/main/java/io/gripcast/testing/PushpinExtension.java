package io.gripcast.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension running real Pushpin instances for a test class:
 *
 * <pre>{@code
 * class MyPushpinTest {
 *   @RegisterExtension
 *   static PushpinExtension pushpin = PushpinExtension.builder().build();
 *
 *   @Test
 *   void delivers(PushpinInstance instance, GripTestOrigin origin) { ... }
 * }
 * }</pre>
 *
 * <p>By default it starts one {@link GripTestOrigin} and one {@link PushpinInstance} routed to it
 * with {@code over_http} (streams, long-polls and WebSockets all work); {@link Builder#instances}
 * starts several (concurrently), {@link Builder#configure} adjusts each instance (its own routes
 * replace the origin route). Declared {@code static}, everything starts before the first test of
 * the class and stops after the last one; declared as an instance field, around each test.
 *
 * <p>Test methods, constructors and lifecycle methods can take a {@link PushpinInstance} (the
 * first instance) or the {@link GripTestOrigin} as parameters. (With two of these extensions in
 * one class, use the fields instead: both would offer the parameters.)
 *
 * <p>If the pushpin binary is missing, the tests are skipped with the install hint, or fail with
 * it when the environment variable {@code CI} is {@code true}: CI must never pass by skipping.
 */
public final class PushpinExtension
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {

  private final int count;
  private final boolean overHttp;
  private final Consumer<PushpinInstance.Builder> configure;
  private final Consumer<GripTestOrigin.Builder> configureOrigin;
  private final Map<String, String> env;

  private final Object lock = new Object();
  private GripTestOrigin origin;
  private List<PushpinInstance> instances = List.of();
  private ExtensionContext owner;

  private PushpinExtension(Builder b) {
    this.count = b.count;
    this.overHttp = b.overHttp;
    this.configure = b.configure;
    this.configureOrigin = b.configureOrigin;
    this.env = b.env;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The first instance. */
  public PushpinInstance instance() {
    return instance(0);
  }

  /** Instance {@code index} (0-based). */
  public PushpinInstance instance(int index) {
    List<PushpinInstance> all = instances();
    if (index < 0 || index >= all.size()) {
      throw new IndexOutOfBoundsException("instance " + index + " of " + all.size());
    }
    return all.get(index);
  }

  /** All instances, in the order they were configured. */
  public List<PushpinInstance> instances() {
    synchronized (lock) {
      if (instances.isEmpty()) {
        throw new IllegalStateException("Pushpin is not running: the extension starts it in beforeAll "
            + "(static field) or beforeEach (instance field) of a test class that registers it "
            + "with @RegisterExtension");
      }
      return instances;
    }
  }

  /** The test origin every instance routes to (unless {@link Builder#configure} changed routes). */
  public GripTestOrigin origin() {
    synchronized (lock) {
      if (origin == null) {
        throw new IllegalStateException("the test origin is not running (see instances())");
      }
      return origin;
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    startIfIdle(context);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    stopIfOwner(context);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    // static field: already started in beforeAll; instance field: start per test
    startIfIdle(context);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    stopIfOwner(context);
  }

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext context) {
    Class<?> type = p.getParameter().getType();
    return type == PushpinInstance.class || type == GripTestOrigin.class;
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext context) {
    Class<?> type = p.getParameter().getType();
    synchronized (lock) {
      if (instances.isEmpty()) {
        // e.g. a constructor parameter of a class whose extension is an instance field
        throw new ParameterResolutionException("Pushpin is not running yet: declare the "
            + "@RegisterExtension PushpinExtension field static to inject " + type.getSimpleName()
            + " into constructors or @BeforeAll methods");
      }
      return type == PushpinInstance.class ? instances.get(0) : origin;
    }
  }

  private void startIfIdle(ExtensionContext context) {
    synchronized (lock) {
      if (owner != null) {
        return; // nested classes and each test of a class share what the outer context started
      }
      GripTestOrigin.Builder ob = GripTestOrigin.builder();
      configureOrigin.accept(ob);
      GripTestOrigin started = ob.start();
      List<PushpinInstance> up;
      try {
        up = startInstances(started, context);
      } catch (RuntimeException | Error e) {
        started.close();
        throw e;
      }
      origin = started;
      instances = up;
      owner = context;
    }
  }

  private List<PushpinInstance> startInstances(GripTestOrigin o, ExtensionContext context) {
    String name = context.getTestClass().map(Class::getSimpleName).orElse("pushpin");
    List<PushpinInstance.Builder> builders = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      PushpinInstance.Builder b = PushpinInstance.builder().name(count == 1 ? name : name + "-" + i);
      configure.accept(b);
      if (!b.hasRoutes()) {
        b.origin(o).overHttp(overHttp);
      }
      builders.add(b);
    }
    ExecutorService pool = Executors.newFixedThreadPool(count, r -> {
      Thread t = new Thread(r, "gripcast-pushpin-start");
      t.setDaemon(true);
      return t;
    });
    List<Future<PushpinInstance>> futures = new ArrayList<>();
    try {
      for (PushpinInstance.Builder b : builders) {
        futures.add(pool.submit(b::start));
      }
      List<PushpinInstance> up = new ArrayList<>();
      Throwable failure = null;
      for (Future<PushpinInstance> f : futures) {
        try {
          up.add(f.get());
        } catch (ExecutionException e) {
          if (failure == null) {
            failure = e.getCause();
          } else {
            failure.addSuppressed(e.getCause());
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          failure = failure == null ? e : failure;
        }
      }
      if (failure != null) {
        for (PushpinInstance p : up) {
          try {
            p.close();
          } catch (RuntimeException e) {
            failure.addSuppressed(e);
          }
        }
        throw unavailable(failure, env);
      }
      return List.copyOf(up);
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * What a failed start becomes: a missing binary skips the tests (assumption failure), or fails
   * them when CI=true; any other failure stays a failure.
   */
  static RuntimeException unavailable(Throwable failure, Map<String, String> env) {
    if (failure instanceof PushpinNotInstalledException) {
      if ("true".equalsIgnoreCase(env.getOrDefault("CI", ""))) {
        return new IllegalStateException("CI=true and Pushpin is missing, so Pushpin tests fail instead of "
            + "being skipped. " + failure.getMessage(), failure);
      }
      try {
        Assumptions.abort("skipped: " + failure.getMessage() + " (with CI=true this fails instead)");
      } catch (RuntimeException aborted) {
        return aborted;
      }
    }
    if (failure instanceof RuntimeException) {
      return (RuntimeException) failure;
    }
    if (failure instanceof Error) {
      throw (Error) failure;
    }
    return new IllegalStateException(failure.getMessage(), failure);
  }

  private void stopIfOwner(ExtensionContext context) {
    List<PushpinInstance> toStop;
    GripTestOrigin o;
    synchronized (lock) {
      if (owner != context) {
        return;
      }
      toStop = instances;
      o = origin;
      instances = List.of();
      origin = null;
      owner = null;
    }
    RuntimeException failure = null;
    for (PushpinInstance p : toStop) {
      try {
        p.close();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    o.close();
    if (failure != null) {
      throw failure;
    }
  }

  /** Options of a {@link PushpinExtension}. */
  public static final class Builder {
    private int count = 1;
    private boolean overHttp = true;
    private Consumer<PushpinInstance.Builder> configure = b -> { };
    private Consumer<GripTestOrigin.Builder> configureOrigin = b -> { };
    private Map<String, String> env = System.getenv();

    private Builder() {}

    /** How many instances to start (default 1); they start concurrently. */
    public Builder instances(int count) {
      if (count < 1 || count > 16) {
        throw new IllegalArgumentException("instances must be 1..16, got " + count);
      }
      this.count = count;
      return this;
    }

    /** Whether the route to the test origin has {@code over_http} (default true). */
    public Builder overHttp(boolean overHttp) {
      this.overHttp = overHttp;
      return this;
    }

    /**
     * Adjusts each instance's builder, e.g. {@code b -> b.messageRate(2500).set("handler.id_cache_ttl", "0")}.
     * If it gives routes ({@code origin(...)} or {@code route(...)}), they replace the default
     * route to the test origin.
     */
    public Builder configure(Consumer<PushpinInstance.Builder> configure) {
      this.configure = Objects.requireNonNull(configure, "configure");
      return this;
    }

    /** Adjusts the test origin, e.g. {@code o -> o.responseTimeout(5)}. */
    public Builder configureOrigin(Consumer<GripTestOrigin.Builder> configureOrigin) {
      this.configureOrigin = Objects.requireNonNull(configureOrigin, "configureOrigin");
      return this;
    }

    /** The environment consulted for {@code CI} (tests of the extension replace it). */
    Builder environment(Map<String, String> env) {
      this.env = Map.copyOf(env);
      return this;
    }

    public PushpinExtension build() {
      return new PushpinExtension(this);
    }
  }
}
