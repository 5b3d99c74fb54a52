package io.gripcast;

/**
 * A {@link BufferedPublisher}'s queue stayed full: the item was not accepted, and nothing of it
 * will be sent. Publish slower, raise the capacity, or let the producer wait longer.
 */
public class BufferFullException extends GripException {
  private static final long serialVersionUID = 1L;

  public BufferFullException(String message) {
    super(message);
  }
}
