package io.gripcast.spring.boot;

import io.gripcast.Publisher;

/**
 * A bean of this type adjusts the auto-configured {@link Publisher} before it is built (an
 * OkHttpClient, a transport, a callback executor). Customizers run after the properties are
 * applied, in bean order.
 */
@FunctionalInterface
public interface GripcastPublisherCustomizer {
  /**
   * Adjusts the builder.
   *
   * @param builder the publisher's builder, properties applied
   */
  void customize(Publisher.Builder builder);
}
