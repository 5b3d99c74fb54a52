package io.gripcast.examples.modular;

import io.gripcast.HttpTransport;
import io.gripcast.PublishException;
import io.gripcast.PublishResult;
import io.gripcast.Publisher;
import io.gripcast.config.GripConfigException;
import io.gripcast.item.HttpResponse;
import io.gripcast.item.HttpStream;
import io.gripcast.item.Item;
import io.gripcast.item.WsMessage;
import java.util.Locale;

/**
 * Publishes one item, given on the command line, and prints the result summary.
 *
 * <pre>
 * PublishOne [--grip-url URL] [--transport automatic|selector|okhttp] CHANNEL TEXT
 * </pre>
 *
 * <p>The GRIP URL is {@code --grip-url}, or else the environment variable {@code GRIP_URL}. The
 * item carries TEXT in all three formats, so WebSocket subscribers get the message {@code TEXT},
 * and HTTP-stream and long-poll subscribers get {@code TEXT\n}.
 *
 * <p>Exit status: 0 published, 1 the publish failed (the summary says where and why), 2 usage or
 * configuration error.
 */
public final class PublishOne {

  private PublishOne() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String[] args) {
    String gripUrl = System.getenv("GRIP_URL");
    HttpTransport transport = HttpTransport.AUTOMATIC;
    int i = 0;
    while (i < args.length && args[i].startsWith("--")) {
      if (i + 1 >= args.length) {
        return usage("missing value after " + args[i]);
      }
      switch (args[i]) {
        case "--grip-url" -> gripUrl = args[i + 1];
        case "--transport" -> {
          try {
            transport = HttpTransport.valueOf(args[i + 1].toUpperCase(Locale.ROOT));
          } catch (IllegalArgumentException e) {
            return usage("unknown transport " + args[i + 1]);
          }
        }
        default -> {
          return usage("unknown option " + args[i]);
        }
      }
      i += 2;
    }
    if (args.length - i != 2) {
      return usage("expected CHANNEL and TEXT");
    }
    if (gripUrl == null || gripUrl.isEmpty()) {
      return usage("no GRIP URL: pass --grip-url or set GRIP_URL (e.g. http://localhost:5561)");
    }
    String channel = args[i];
    String text = args[i + 1];

    try (Publisher publisher = Publisher.builder().endpoint(gripUrl).transport(transport).build()) {
      PublishResult result = publisher.publish(channel, Item.of(
          WsMessage.text(text),
          HttpStream.text(text + "\n"),
          HttpResponse.text(text + "\n")));
      System.out.println(result.summary());
      return 0;
    } catch (PublishException e) {
      System.err.println(e.result().summary());
      return 1;
    } catch (GripConfigException e) {
      return usage(e.getMessage());
    }
  }

  private static int usage(String problem) {
    System.err.println("error: " + problem);
    System.err.println("usage: PublishOne [--grip-url URL] [--transport automatic|selector|okhttp] CHANNEL TEXT");
    return 2;
  }
}
