/**
 * Spring MVC support: controller methods that take a {@link io.gripcast.ws.WebSocketContext} or
 * {@link io.gripcast.servlet.GripRequest} and return a {@link io.gripcast.ws.WebSocketResponse} or
 * {@link io.gripcast.http.GripInstruct}, and {@link io.gripcast.spring.boot.web.GripEntities} for
 * GRIP holds as {@code ResponseEntity}.
 */
package io.gripcast.spring.boot.web;
