package io.gripcast.relay;

/**
 * Relay events, for meters and logs. Called on the relay's threads: keep the methods quick and
 * never throw (an exception thrown here is logged and ignored). Every method does nothing by
 * default.
 */
public interface RelayListener {

  /** Items the proxy accepted in one publish call. */
  default void published(int items) {}

  /**
   * A poison record was dropped, or handed to the dead-letter destination.
   *
   * @param position where in the source it was (for Kafka {@code topic-partition@offset}, for an
   *     outbox the row id)
   * @param deadLettered whether it went to the dead-letter destination (false: skipped and logged)
   * @param reason why it could not be published
   */
  default void poison(String position, boolean deadLettered, String reason) {}

  /** Source positions were marked done, covering this many items. */
  default void committed(int items) {}

  /**
   * A publish call failed and will be tried again after a pause; nothing past it is marked done
   * meanwhile.
   */
  default void publishFailed(Throwable error) {}

  /** A listener that does nothing. */
  static RelayListener none() {
    return NoRelayListener.INSTANCE;
  }
}
