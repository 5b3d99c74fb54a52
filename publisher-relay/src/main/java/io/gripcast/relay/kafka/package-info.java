/** Relays records of Kafka topics, consumed in a consumer group, through a GRIP publisher. */
package io.gripcast.relay.kafka;
