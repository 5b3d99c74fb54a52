package io.gripcast.relay.kafka;

import io.gripcast.item.Item;
import io.gripcast.item.Publication;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * How a Kafka record becomes what is published. A mapping that throws an unchecked exception marks
 * the record as poison: it goes to the dead-letter topic, or is skipped with a log line, and its
 * partition goes on (the exception's message is the reason logged, so make it say what was wrong).
 *
 * <p>The relay gives every item without an id the record's id from
 * {@link io.gripcast.relay.RelayIds#kafka}, so a mapping normally leaves ids alone.
 */
@FunctionalInterface
public interface RecordMapping {

  /**
   * The publications for one record, in order; an empty list publishes nothing for it.
   *
   * @throws RuntimeException when the record cannot be published (poison)
   */
  List<Publication> map(ConsumerRecord<byte[], byte[]> record);

  /**
   * The default: the record value is one item of the publish wire format in JSON, channel included,
   * exactly as a line of {@code gripcast publish --ndjson}, e.g.
   * {@code {"channel":"news","formats":{"ws-message":{"content":"hi"}}}}.
   */
  static RecordMapping wireJson() {
    return WireJsonMapping.INSTANCE;
  }

  /**
   * The record value (UTF-8 text) is the content of a {@code ws-message} and of an
   * {@code http-stream} (with a newline added, as pushpin-publish does), on the channel the template
   * gives: see {@link #content(String, java.util.function.Function)}.
   */
  static RecordMapping content(String channelTemplate) {
    return new ContentMapping(ChannelTemplate.parse(channelTemplate), ContentMapping::defaultItem);
  }

  /**
   * The record value (UTF-8 text) becomes an item through {@code item}, published on the channel
   * the template gives. The template is literal text with placeholders: {@code {key}} (the record
   * key as UTF-8), {@code {topic}}, {@code {partition}} and {@code {header:NAME}} (the last header
   * NAME as UTF-8); e.g. {@code "orders-{key}"}. A record missing a key or header the template needs
   * is poison.
   */
  static RecordMapping content(String channelTemplate, java.util.function.Function<String, Item> item) {
    return new ContentMapping(ChannelTemplate.parse(channelTemplate), java.util.Objects.requireNonNull(item, "item"));
  }
}
