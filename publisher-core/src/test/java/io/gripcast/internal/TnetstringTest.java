package io.gripcast.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The tnetstring subset of Pushpin's command socket, against grip-spec §4.3's own example. */
class TnetstringTest {

  @Test
  void encodesTheSpecsExampleAndNestedDicts() {
    assertEquals("14:7:channel,1:a,}", new String(Tnetstring.encode(Map.of("channel", "a")), StandardCharsets.UTF_8));
    Map<String, Object> req = new LinkedHashMap<>();
    req.put("id", "1");
    req.put("method", "refresh");
    req.put("args", Map.of("channel", "é"));
    assertEquals("54:2:id,1:1,6:method,7:refresh,4:args,15:7:channel,2:é,}}",
        new String(Tnetstring.encode(req), StandardCharsets.UTF_8));
  }

  @Test
  void decodesEveryTypeOfAReply() {
    String reply = "2:id,1:1,7:success,4:true!5:value,0:~4:list,10:1:2#3:1.5^]";
    Object parsed = Tnetstring.decode((reply.length() + ":" + reply + "}").getBytes(StandardCharsets.UTF_8));
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("id", "1");
    expected.put("success", true);
    expected.put("value", null);
    expected.put("list", Arrays.asList(2L, 1.5));
    assertEquals(expected, parsed);
  }

  @Test
  void refusesMalformedInputNamingWhere() {
    for (String bad : new String[] {"", "x:a,", "5:ab,", "1:a?", "1:a,1:b,", "99999999999:a,"}) {
      assertThrows(IllegalArgumentException.class, () -> Tnetstring.decode(bad.getBytes(StandardCharsets.UTF_8)), bad);
    }
  }
}
