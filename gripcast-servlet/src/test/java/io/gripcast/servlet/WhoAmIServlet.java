package io.gripcast.servlet;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

/** Says what GripSigFilter recorded, through the accessor and the plain attributes. */
final class WhoAmIServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  final AtomicInteger calls = new AtomicInteger();

  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    calls.incrementAndGet();
    resp.setContentType("text/plain");
    if (GripRequest.find(req).isEmpty()) {
      try {
        GripRequest.of(req);
      } catch (IllegalStateException e) {
        resp.getWriter().write("unfiltered: " + e.getMessage());
      }
      return;
    }
    GripRequest grip = GripRequest.of(req);
    resp.getWriter().write("proxied=" + grip.isProxied() + " signed=" + grip.isSigned()
        + " status=" + grip.sigResult().status()
        + " attrs=" + req.getAttribute(GripRequest.PROXIED_ATTRIBUTE) + "/" + req.getAttribute(GripRequest.SIGNED_ATTRIBUTE));
  }
}
