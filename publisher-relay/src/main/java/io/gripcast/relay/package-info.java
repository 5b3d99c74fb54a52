/**
 * What every relay source shares: the {@link io.gripcast.relay.Relay} lifecycle, its
 * {@link io.gripcast.relay.RelayListener} events, and {@link io.gripcast.relay.RelayIds}, the
 * deterministic item ids that make replays harmless.
 */
package io.gripcast.relay;
