package io.gripcast.bench;

import io.gripcast.config.Endpoint;
import io.gripcast.config.GripUrl;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** GRIP_URL parsing: done once per publisher, so this matters for start-up, not per publish. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class GripUrlBenchmark {

  public String local = "http://localhost:5561";
  public String fastly = "https://api.fastly.com/service/SERVICEID?key=fastly-api-token-0123456789";
  public String jwt = "http://pushpin.internal:5561/prefix/?iss=my-issuer&key=base64:Y2hhbmdlbWVjaGFuZ2VtZWNoYW5nZW1lY2hhbmdlbWU%3D";

  @Benchmark
  public Endpoint localPushpin() {
    return GripUrl.parse(local);
  }

  @Benchmark
  public Endpoint fastlyBearer() {
    return GripUrl.parse(fastly);
  }

  @Benchmark
  public Endpoint jwtBase64Key() {
    return GripUrl.parse(jwt);
  }
}
