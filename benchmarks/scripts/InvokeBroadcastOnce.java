import io.gripcast.examples.broadcast.BroadcastHandler;
import java.util.Map;

/**
 * The scheduled-broadcast example's cold invocation, as Lambda's runtime makes it: a fresh JVM
 * constructs the handler (the static SharedPublisher, config from the environment) and calls
 * handleRequest once; GRIP_URL points at a local Pushpin. Prints the time from JVM start (the
 * process's start time) to the handler's return; hyperfine around the whole process adds the exit.
 * Compile once: javac -cp EXAMPLE_JAR -d /tmp/probe benchmarks/scripts/InvokeBroadcastOnce.java
 */
public final class InvokeBroadcastOnce {
  public static void main(String[] args) {
    Map<String, Object> result = new BroadcastHandler().handleRequest(Map.of(), null);
    long returned = System.currentTimeMillis();
    if (args.length > 0 && args[0].equals("-v")) {
      // the JVM's own start time, read only after the return so it adds nothing to the figure;
      // not ProcessHandle's startInstant, which Linux derives from a boot time in whole seconds
      long start = java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
      System.out.println("JVM start to handler return: " + (returned - start) + " ms; " + result.get("endpoints"));
    }
  }
}
