/**
 * The GRIP item model: pure, immutable values validated at construction.
 *
 * <p>An {@link io.gripcast.item.Item} is what a publish delivers, independent of any channel; a
 * {@link io.gripcast.item.Publication} binds an item to the channel it is published on. An item
 * carries at most one {@link io.gripcast.item.Format} of each kind: {@link io.gripcast.item.WsMessage},
 * {@link io.gripcast.item.HttpStream} and {@link io.gripcast.item.HttpResponse}; the proxy picks the
 * one that matches each subscriber's connection.
 *
 * <p>This package knows nothing of JSON, HTTP clients or JWT: it depends on the JDK only. Invalid
 * values fail with an {@link java.lang.IllegalArgumentException} whose message names the field and
 * the bad value.
 */
package io.gripcast.item;
