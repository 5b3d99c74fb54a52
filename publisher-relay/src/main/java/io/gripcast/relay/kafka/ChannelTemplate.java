package io.gripcast.relay.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/** A channel name template, parsed once: literal parts and {@code {key}}-style placeholders. */
final class ChannelTemplate {
  private static final String HEADER = "header:";

  /** One piece of the template: literal text, or a placeholder read from the record. */
  private sealed interface Part permits Literal, Key, Topic, Partition, HeaderValue {}

  private record Literal(String text) implements Part {}

  private record Key() implements Part {}

  private record Topic() implements Part {}

  private record Partition() implements Part {}

  private record HeaderValue(String name) implements Part {}

  private final String source;
  private final List<Part> parts;

  private ChannelTemplate(String source, List<Part> parts) {
    this.source = source;
    this.parts = List.copyOf(parts);
  }

  static ChannelTemplate parse(String template) {
    Objects.requireNonNull(template, "channelTemplate");
    if (template.isEmpty()) {
      throw new IllegalArgumentException("the channel template is empty; give e.g. \"{key}\" or \"orders-{header:tenant}\"");
    }
    List<Part> parts = new ArrayList<>();
    int i = 0;
    while (i < template.length()) {
      int open = template.indexOf('{', i);
      if (open < 0) {
        parts.add(new Literal(template.substring(i)));
        break;
      }
      if (open > i) {
        parts.add(new Literal(template.substring(i, open)));
      }
      int close = template.indexOf('}', open);
      if (close < 0) {
        throw new IllegalArgumentException("channel template \"" + template + "\" has an unclosed '{' at " + open);
      }
      String name = template.substring(open + 1, close);
      if (name.equals("key")) {
        parts.add(new Key());
      } else if (name.equals("topic")) {
        parts.add(new Topic());
      } else if (name.equals("partition")) {
        parts.add(new Partition());
      } else if (name.startsWith(HEADER) && name.length() > HEADER.length()) {
        parts.add(new HeaderValue(name.substring(HEADER.length())));
      } else {
        throw new IllegalArgumentException("channel template \"" + template + "\" has an unknown placeholder {" + name
            + "}; use {key}, {topic}, {partition} or {header:NAME}");
      }
      i = close + 1;
    }
    return new ChannelTemplate(template, parts);
  }

  String channel(ConsumerRecord<byte[], byte[]> record) {
    StringBuilder sb = new StringBuilder();
    for (Part p : parts) {
      if (p instanceof Literal l) {
        sb.append(l.text());
      } else if (p instanceof Key) {
        if (record.key() == null) {
          throw new IllegalArgumentException("the record has no key, and the channel template \"" + source + "\" needs one");
        }
        sb.append(Utf8.decode(record.key(), "key"));
      } else if (p instanceof Topic) {
        sb.append(record.topic());
      } else if (p instanceof Partition) {
        sb.append(record.partition());
      } else if (p instanceof HeaderValue h) {
        Header header = record.headers().lastHeader(h.name());
        if (header == null || header.value() == null) {
          throw new IllegalArgumentException("the record has no header " + h.name() + ", and the channel template \""
              + source + "\" needs it");
        }
        sb.append(Utf8.decode(header.value(), "header " + h.name()));
      }
    }
    if (sb.length() == 0) {
      throw new IllegalArgumentException("the channel template \"" + source + "\" gave an empty channel for this record");
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return source;
  }
}
