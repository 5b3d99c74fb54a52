/**
 * AWS Lambda adapters for WebSocket-over-HTTP: API Gateway proxy events (REST API payload 1.0 and
 * HTTP API payload 2.0) as plain {@code Map<String, Object>} in and out, so that no AWS library is
 * needed here ({@link io.gripcast.lambda.LambdaWebSockets}).
 */
package io.gripcast.lambda;
