package io.gripcast.internal;

import java.util.List;

/** One HTTP endpoint: its {@link EndpointClient} and body limit. */
public final class HttpDestination implements Destination {
  private final EndpointClient client;
  private final int maxBodyBytes;

  public HttpDestination(EndpointClient client, int maxBodyBytes) {
    this.client = client;
    this.maxBodyBytes = maxBodyBytes;
  }

  @Override
  public int maxBodyBytes() {
    return maxBodyBytes;
  }

  @Override
  public String display() {
    return client.target().display();
  }

  @Override
  public List<PublishRun> publish(Job job, PublishCall call) {
    return List.of(client.publish(job.batches(maxBodyBytes), call));
  }
}
