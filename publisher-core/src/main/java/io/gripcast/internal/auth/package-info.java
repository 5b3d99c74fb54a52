/**
 * Not API. Turns an {@link io.gripcast.auth.Auth} into {@code Authorization} header values for the
 * publisher, reusing minted JWTs until shortly before they expire.
 */
package io.gripcast.internal.auth;
