package io.gripcast.item;

/**
 * One delivery format of an item; the proxy delivers the format that matches each subscriber's
 * connection kind. An item holds at most one format of each kind.
 */
public sealed interface Format permits WsMessage, HttpStream, HttpResponse {

  /** What the proxy does with this format. */
  Action action();
}
