package io.gripcast;

/**
 * The root of gripcast's unchecked exceptions. Its messages never contain secrets (keys,
 * tokens, passwords).
 */
public class GripException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public GripException(String message) {
    super(message);
  }

  public GripException(String message, Throwable cause) {
    super(message, cause);
  }
}
