import io.gripcast.testing.GripTestOrigin;
import io.gripcast.testing.PushpinInstance;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * For scripts/demo.sh: a local Pushpin on free ports, routed (over_http) to the project's small GRIP
 * origin, both from publisher-testing. Run as a single source file:
 * {@code java -cp publisher-testing/target/classes scripts/DemoProxy.java WORKDIR}.
 * Prints KEY=VALUE lines (READY=1 last) and runs until terminated; a shutdown hook stops Pushpin and
 * the origin.
 */
public class DemoProxy {
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args.length > 0 ? args[0] : System.getProperty("java.io.tmpdir"));
    GripTestOrigin origin = GripTestOrigin.builder().defaultChannel("demo").responseTimeout(30).start();
    PushpinInstance pushpin;
    try {
      pushpin = PushpinInstance.builder().origin(origin).overHttp(true).messageRate(0).directory(dir).start();
    } catch (RuntimeException e) {
      origin.close();
      throw e;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      pushpin.close();
      origin.close();
      stopped.countDown();
    }));
    System.out.println("CLIENT_URL=" + pushpin.clientUrl());
    System.out.println("WS_URL=" + pushpin.webSocketUri("/"));
    System.out.println("GRIP_URL=" + pushpin.gripUrl());
    System.out.println("HANDLER_LOG=" + pushpin.logDir().resolve("pushpin-handler.log"));
    System.out.println("READY=1");
    System.out.flush();
    stopped.await();
  }
}
