/**
 * Spring Boot auto-configuration for gripcast: {@link io.gripcast.spring.boot.GripcastProperties}
 * ({@code gripcast.*}), the publisher beans, health, metrics and the Grip-Sig filter. See
 * docs/spring-boot.md.
 */
package io.gripcast.spring.boot;
