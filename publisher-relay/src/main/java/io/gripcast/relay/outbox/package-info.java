/** Relays rows of a PostgreSQL outbox table, written in the application's own transactions. */
package io.gripcast.relay.outbox;
