package io.gripcast.relay;

/** {@link RelayListener#none()}: one shared instance that ignores every event. */
final class NoRelayListener implements RelayListener {
  static final NoRelayListener INSTANCE = new NoRelayListener();

  private NoRelayListener() {}

  @Override
  public String toString() {
    return "RelayListener.none()";
  }
}
