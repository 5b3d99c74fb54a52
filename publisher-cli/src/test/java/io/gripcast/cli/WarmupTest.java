package io.gripcast.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** When the warm-up thread also initializes OkHttp: only when an https endpoint may come. */
class WarmupTest {

  @Test
  void httpsInAnArgumentOrInGripUrlWarmsTls() {
    assertTrue(Warmup.mayNeedTls(new String[] {"publish", "--spec", "https://api.fanout.io/realm/x?iss=x", "c", "hi"}, null));
    assertTrue(Warmup.mayNeedTls(new String[] {"publish", "--spec=HTTPS://Example.com", "c", "hi"}, null));
    assertTrue(Warmup.mayNeedTls(new String[] {"publish", "c", "hi"}, "https://api.fastly.com/service/s"));
  }

  @Test
  void plainHttpEverywhereDoesNot() {
    assertFalse(Warmup.mayNeedTls(new String[] {"publish", "--spec", "http://127.0.0.1:5561", "c", "hi"}, "http://localhost:5561"));
    assertFalse(Warmup.mayNeedTls(new String[] {"publish", "c", "hi"}, null));
  }
}
