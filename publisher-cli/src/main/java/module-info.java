/**
 * The {@code gripcast} command. Shipped as a launcher over one runnable jar on the class path
 * (docs/cli.md); this descriptor states what it uses of gripcast: the core's exported API only.
 */
module io.gripcast.cli {
  requires io.gripcast;
  // `gripcast relay`, with its Kafka source
  requires io.gripcast.relay;
  requires info.picocli;
  requires okhttp3;
  requires jdk.httpserver;
  // the bench command reads its own CPU time
  requires jdk.management;

  // picocli reads and writes the annotated command classes by reflection
  opens io.gripcast.cli to info.picocli;
  opens io.gripcast.cli.bench to info.picocli;
}
