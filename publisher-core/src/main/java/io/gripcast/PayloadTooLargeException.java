package io.gripcast;

/**
 * One item is larger than the proxy's publish body limit, so it cannot be sent in any batch.
 * Thrown before anything is sent.
 */
public class PayloadTooLargeException extends GripException {
  private static final long serialVersionUID = 1L;

  private final int itemBytes;
  private final int maxBodyBytes;

  public PayloadTooLargeException(String message, int itemBytes, int maxBodyBytes) {
    super(message);
    this.itemBytes = itemBytes;
    this.maxBodyBytes = maxBodyBytes;
  }

  /** The serialized size of the offending item, envelope included. */
  public int itemBytes() {
    return itemBytes;
  }

  /** The configured body limit. */
  public int maxBodyBytes() {
    return maxBodyBytes;
  }
}
