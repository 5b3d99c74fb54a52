package io.gripcast.spring.boot.web;

import io.gripcast.http.GripInstruct;
import io.gripcast.servlet.GripResponses;
import io.gripcast.servlet.ServletWebSockets;
import io.gripcast.ws.WebSocketResponse;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.MethodParameter;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodReturnValueHandler;
import org.springframework.web.method.support.ModelAndViewContainer;

/**
 * Writes a controller's {@link WebSocketResponse} (the WebSocket-over-HTTP answer) or
 * {@link GripInstruct} (as the {@code application/grip-instruct} body: the hold and the response
 * the client gets) to the servlet response. The auto-configuration puts it before Spring's own
 * handlers, so it applies in {@code @RestController}s too.
 */
public final class GripReturnValueHandler implements HandlerMethodReturnValueHandler {
  @Override
  public boolean supportsReturnType(MethodParameter returnType) {
    Class<?> type = returnType.getParameterType();
    return WebSocketResponse.class.isAssignableFrom(type) || GripInstruct.class.isAssignableFrom(type);
  }

  @Override
  public void handleReturnValue(Object returnValue, MethodParameter returnType, ModelAndViewContainer mavContainer,
      NativeWebRequest webRequest) throws Exception {
    mavContainer.setRequestHandled(true);
    HttpServletResponse response = webRequest.getNativeResponse(HttpServletResponse.class);
    if (response == null) {
      throw new IllegalStateException("gripcast's MVC support needs a servlet response");
    }
    if (returnValue instanceof WebSocketResponse ws) {
      ServletWebSockets.write(ws, response);
    } else if (returnValue instanceof GripInstruct instruct) {
      GripResponses.writeInstructBody(response, instruct);
    } else {
      throw new IllegalStateException(returnType.getMethod() + " returned null; return a WebSocketResponse"
          + " (ws.toResponse()) or a GripInstruct");
    }
  }
}
