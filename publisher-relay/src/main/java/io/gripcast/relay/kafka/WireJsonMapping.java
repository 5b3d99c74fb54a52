package io.gripcast.relay.kafka;

import io.gripcast.GripJson;
import io.gripcast.item.Publication;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** {@link RecordMapping#wireJson()}: the core's wire parser is the one place that knows the field names. */
final class WireJsonMapping implements RecordMapping {
  static final WireJsonMapping INSTANCE = new WireJsonMapping();

  private WireJsonMapping() {}

  @Override
  public List<Publication> map(ConsumerRecord<byte[], byte[]> record) {
    if (record.value() == null) {
      throw new IllegalArgumentException("the record has no value (a tombstone); expected an item in wire JSON");
    }
    return List.of(GripJson.parsePublication(Utf8.decode(record.value(), "value")));
  }

  @Override
  public String toString() {
    return "RecordMapping.wireJson()";
  }
}
