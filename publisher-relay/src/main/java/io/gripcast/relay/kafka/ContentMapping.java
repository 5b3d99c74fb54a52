package io.gripcast.relay.kafka;

import io.gripcast.item.HttpStream;
import io.gripcast.item.Item;
import io.gripcast.item.Publication;
import io.gripcast.item.WsMessage;
import java.util.List;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** {@link RecordMapping#content}: the value is content, the channel comes from a template. */
final class ContentMapping implements RecordMapping {
  private final ChannelTemplate channel;
  private final Function<String, Item> item;

  ContentMapping(ChannelTemplate channel, Function<String, Item> item) {
    this.channel = channel;
    this.item = item;
  }

  static Item defaultItem(String content) {
    return Item.of(WsMessage.text(content), HttpStream.text(content + "\n"));
  }

  @Override
  public List<Publication> map(ConsumerRecord<byte[], byte[]> record) {
    if (record.value() == null) {
      throw new IllegalArgumentException("the record has no value (a tombstone); expected content");
    }
    String ch = channel.channel(record);
    Item it = item.apply(Utf8.decode(record.value(), "value"));
    if (it == null) {
      throw new IllegalArgumentException("the item function returned null");
    }
    return List.of(new Publication(ch, it));
  }

  @Override
  public String toString() {
    return "RecordMapping.content(\"" + channel + "\")";
  }
}
