package io.gripcast.internal;

import java.util.List;

/**
 * Where a publisher sends: one HTTP endpoint, a cluster of HTTP instances behind one name, or one
 * ZeroMQ socket. Each publish gives one {@link PublishRun} per instance reached.
 */
public interface Destination {

  /** The body limit its HTTP batches must respect; 0 when it sends items one by one (ZeroMQ). */
  int maxBodyBytes();

  /** How results and {@code Publisher.endpoints()} name it; no secret. */
  String display();

  /** Starts sending {@code job}; never blocks on the network. */
  List<PublishRun> publish(Job job, PublishCall call);

  /** Stops what it owns (threads, sockets); idempotent. */
  default void close() {}

  /**
   * One publish, prepared once for every destination: the publications as sent, their HTTP
   * batches per body limit, and (when a ZeroMQ destination needs them) one encoded item each.
   */
  record Job(List<io.gripcast.item.Publication> publications, java.util.Map<Integer, List<Batches.Batch>> batches,
      List<byte[]> zmqItems) {
    public List<Batches.Batch> batches(int maxBodyBytes) {
      return batches.get(maxBodyBytes);
    }
  }
}
