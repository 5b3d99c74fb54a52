package io.gripcast.internal;

import java.util.function.Supplier;

/**
 * One endpoint as the transport sees it.
 *
 * @param publishUrl where to POST
 * @param display the publish URL without credentials, for results and messages
 * @param authorization the Authorization header value for the next request, or null for none;
 *     called once per attempt, so it must be cheap (JWTs are cached by the supplier)
 */
public record Target(PublishUrl publishUrl, String display, Supplier<String> authorization) {}
