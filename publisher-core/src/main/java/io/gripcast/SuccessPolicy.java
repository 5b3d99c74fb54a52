package io.gripcast;

/** When a publish to several endpoints counts as a success. */
public enum SuccessPolicy {
  /** Every endpoint accepted the items (the default: a Pushpin cluster needs every item on every instance). */
  ALL,
  /** At least one endpoint accepted the items. */
  ANY
}
