/**
 * Spring Boot 4 auto-configuration for gripcast (docs/spring-boot.md): a Publisher and an optional
 * BufferedPublisher from {@code gripcast.*} properties or GRIP_URL, Actuator health per endpoint,
 * Micrometer meters, the Grip-Sig filter, and Spring MVC support for WebSocket-over-HTTP and GRIP
 * holds.
 */
module io.gripcast.spring.boot {
  requires transitive io.gripcast;
  requires transitive io.gripcast.servlet;
  requires transitive spring.boot;
  requires transitive spring.boot.autoconfigure;
  requires transitive spring.beans;
  requires transitive spring.context;
  requires transitive spring.core;
  requires java.net.http;
  // each used only when the application has it
  requires static io.gripcast.micrometer;
  requires static micrometer.core;
  requires static spring.boot.health;
  requires static spring.web;
  requires static spring.webmvc;

  exports io.gripcast.spring.boot;
  exports io.gripcast.spring.boot.web;
  // Spring reads the configuration classes and properties by reflection
  opens io.gripcast.spring.boot to spring.core, spring.beans, spring.context;
}
