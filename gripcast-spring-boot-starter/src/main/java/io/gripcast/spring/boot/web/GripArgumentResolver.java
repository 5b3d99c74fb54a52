package io.gripcast.spring.boot.web;

import io.gripcast.servlet.GripRequest;
import io.gripcast.servlet.ServletWebSockets;
import io.gripcast.ws.NotWebSocketOverHttpException;
import io.gripcast.ws.WebSocketContext;
import io.gripcast.ws.WebSocketOptions;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Objects;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.server.ResponseStatusException;

/**
 * Resolves controller parameters of type {@link WebSocketContext} (from the WebSocket-over-HTTP
 * request; a request that is not one is answered 400 with the reason) and {@link GripRequest}
 * (what the Grip-Sig filter found; 500 naming the fix when the filter did not run).
 */
public final class GripArgumentResolver implements HandlerMethodArgumentResolver {
  private final WebSocketOptions options;

  /**
   * A resolver making contexts with {@code options}.
   *
   * @param options the WebSocket-over-HTTP options (message prefix, limits, ...)
   */
  public GripArgumentResolver(WebSocketOptions options) {
    this.options = Objects.requireNonNull(options, "options");
  }

  @Override
  public boolean supportsParameter(MethodParameter parameter) {
    Class<?> type = parameter.getParameterType();
    return type == WebSocketContext.class || type == GripRequest.class;
  }

  @Override
  public Object resolveArgument(MethodParameter parameter, ModelAndViewContainer mavContainer,
      NativeWebRequest webRequest, WebDataBinderFactory binderFactory) throws Exception {
    HttpServletRequest request = webRequest.getNativeRequest(HttpServletRequest.class);
    if (request == null) {
      throw new IllegalStateException("gripcast's MVC support needs a servlet request");
    }
    if (parameter.getParameterType() == GripRequest.class) {
      return GripRequest.of(request);
    }
    try {
      return ServletWebSockets.context(request, options);
    } catch (NotWebSocketOverHttpException e) {
      throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "not a WebSocket-over-HTTP request: " + e.reason(), e);
    }
  }
}
