package io.gripcast.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;

/** PublishUrl replaces OkHttp's HttpUrl on the selector path: it must read publish URLs as HttpUrl does. */
class PublishUrlTest {

  @Test
  void readsPublishUrlsAsOkHttpDoes() {
    for (String s : List.of(
        "http://127.0.0.1:5561/publish/",
        "http://localhost/publish/",
        "https://api.fastly.com/service/abc123/publish/",
        "https://API.Fastly.COM:8443/service/abc123/publish/",
        "http://pushpin.example:5561/realm/publish/?iss=x&token=a%20b",
        "http://[::1]:5561/publish/",
        "http://[2001:db8::7]/publish/",
        "http://127.0.0.1:80/publish/",
        "https://example.com:443/p/publish/")) {
      PublishUrl ours = PublishUrl.parse(s);
      HttpUrl okhttp = HttpUrl.get(s);
      assertEquals(okhttp.toString(), ours.toString(), s);
      assertEquals(okhttp.host(), ours.host(), s);
      assertEquals(okhttp.port(), ours.port(), s);
      assertEquals(okhttp.isHttps(), ours.isHttps(), s);
      String query = okhttp.encodedQuery();
      assertEquals(okhttp.encodedPath() + (query == null ? "" : "?" + query), ours.pathAndQuery(), s);
      assertEquals(ours, PublishUrl.parse(okhttp.toString()), s);
      String host = okhttp.host().indexOf(':') >= 0 ? "[" + okhttp.host() + "]" : okhttp.host();
      assertEquals(host + ":" + okhttp.port(), ours.hostHeader(), s);
    }
  }

  @Test
  void anInstanceOfAClusterKeepsPathAndQuery() {
    PublishUrl name = PublishUrl.parse("http://pushpin.internal:5561/publish/?x=1");
    PublishUrl one = name.withAddress("10.0.0.7", 5562);
    assertEquals("http://10.0.0.7:5562/publish/?x=1", one.toString());
    assertEquals("10.0.0.7", one.host());
    assertEquals(HttpUrl.get(name.toString()).newBuilder().host("10.0.0.7").port(5562).build().toString(), one.toString());
    assertFalse(one.equals(name));
  }

  @Test
  void refusesWhatIsNotAnHttpUrlWithAHost() {
    IllegalArgumentException scheme = assertThrows(IllegalArgumentException.class, () -> PublishUrl.parse("ftp://h/publish/"));
    assertTrue(scheme.getMessage().contains("http:// or https://"), scheme.getMessage());
    IllegalArgumentException host = assertThrows(IllegalArgumentException.class, () -> PublishUrl.parse("http:///publish/"));
    assertTrue(host.getMessage().contains("host"), host.getMessage());
  }
}
