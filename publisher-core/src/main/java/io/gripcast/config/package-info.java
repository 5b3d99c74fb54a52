/**
 * GRIP configuration: {@link io.gripcast.config.GripUrl} parses a GRIP URL ({@code GRIP_URL}) into
 * an {@link io.gripcast.config.Endpoint}: control and publish URIs, publishing
 * {@link io.gripcast.auth.Auth}, and the {@code verify-iss}/{@code verify-key} settings that check
 * {@code Grip-Sig}.
 *
 * <p>Pure values and the JDK only: no HTTP client, JSON library or JWT code runs here, and the
 * environment is read from a map the caller passes. Every failure is a
 * {@link io.gripcast.config.GripConfigException} naming the bad part, without any secret.
 */
package io.gripcast.config;
