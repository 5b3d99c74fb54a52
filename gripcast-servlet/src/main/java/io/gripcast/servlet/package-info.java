/**
 * Jakarta Servlet 6 support: the Grip-Sig filter, the per-request accessor it fills, GRIP hold
 * responses, and the WebSocket-over-HTTP adapter. Framework-neutral: any servlet container, with or
 * without Spring.
 */
package io.gripcast.servlet;
