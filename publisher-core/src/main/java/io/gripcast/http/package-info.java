/**
 * GRIP instructions for ordinary HTTP handlers behind a GRIP proxy: hold a request open as a
 * long-poll or a stream and subscribe it to channels, as {@code Grip-*} response headers or as an
 * {@code application/grip-instruct} body ({@link io.gripcast.http.GripInstruct}).
 *
 * <p>Pure values; Jackson writes the instruct body internally and never appears in a signature.
 */
package io.gripcast.http;
