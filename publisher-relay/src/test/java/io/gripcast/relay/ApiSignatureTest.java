package io.gripcast.relay;

import io.gripcast.build.ApiDump;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The module's public API is the one committed in api/publisher-relay.api: an API change shows up in review. */
class ApiSignatureTest {
  @Test
  void thePublicApiIsTheCommittedOne() {
    ApiDump.check(Path.of("target/classes"), getClass().getClassLoader(), Path.of("api/publisher-relay.api"));
  }
}
