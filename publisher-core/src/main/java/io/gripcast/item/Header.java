package io.gripcast.item;

/**
 * One HTTP header of a published http-response. Names may repeat in a list; order is kept.
 *
 * <p>A record: its shape is fixed by the protocol.
 *
 * @param name a header field name (an RFC 9110 token)
 * @param value the field value, without CR or LF
 */
public record Header(String name, String value) {

  public Header {
    Validation.required(name, "http-response header name");
    Validation.required(value, "http-response header value of " + name);
    if (name.isEmpty()) {
      throw new IllegalArgumentException("http-response header name must not be empty");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c <= 0x20 || c >= 0x7f || "\"(),/:;<=>?@[\\]{}".indexOf(c) >= 0) {
        throw new IllegalArgumentException(
            "http-response header name " + Validation.quote(name) + " has an invalid character at index " + i
                + " (names are letters, digits and !#$%&'*+-.^_`|~)");
      }
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\r' || c == '\n' || c == 0) {
        throw new IllegalArgumentException(
            "http-response header " + name + " has a CR, LF or NUL in its value at index " + i);
      }
    }
    int bad = Validation.loneSurrogate(value);
    if (bad >= 0) {
      throw Validation.notUtf8(value, bad, "http-response header " + name + " value");
    }
  }

  /**
   * Parses {@code "Name: value"} as curl and pushpin-publish's {@code -H} take it.
   *
   * @throws IllegalArgumentException when there is no colon
   */
  public static Header parse(String line) {
    Validation.required(line, "header");
    int colon = line.indexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("header " + Validation.quote(line) + " is not of the form \"Name: value\"");
    }
    return new Header(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
  }
}
