package io.gripcast.relay.outbox;

/**
 * Keeps the exported package non-empty (javac requires it) until the outbox relay lands; delete it
 * then.
 */
final class OutboxPlaceholder {
  private OutboxPlaceholder() {}
}
