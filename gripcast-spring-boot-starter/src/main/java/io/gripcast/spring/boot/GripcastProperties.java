package io.gripcast.spring.boot;

import io.gripcast.BufferedPublisher;
import io.gripcast.SuccessPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code gripcast.*} properties (docs/spring-boot.md lists them all, with defaults). The
 * defaults are the core's: a property left unset changes nothing.
 *
 * <p>Values may hold secrets (keys inside GRIP URLs, verify keys): this class has no
 * {@code toString()} that shows them.
 */
@ConfigurationProperties(prefix = "gripcast")
public class GripcastProperties {
  /** Whether gripcast's auto-configuration is on at all. */
  private boolean enabled = true;

  /**
   * GRIP URLs of the endpoints to publish to, e.g. http://localhost:5561 for Pushpin's control port
   * or https://api.fastly.com/service/ID?key=TOKEN. Every item goes to every endpoint. When empty,
   * the GRIP_URL environment variable (with GRIP_VERIFY_KEY) is used; with neither, no Publisher
   * is created.
   */
  private List<String> endpoints = new ArrayList<>();

  /** Put before every channel name on publish (as GRIP_PREFIX does). */
  private String channelPrefix = "";

  /** When a publish to several endpoints succeeds: ALL of them accepted it, or ANY one. */
  private SuccessPolicy successPolicy = SuccessPolicy.ALL;

  private final Retry retry = new Retry();
  private final Timeouts timeouts = new Timeouts();
  private final Buffer buffer = new Buffer();
  private final Health health = new Health();
  private final Metrics metrics = new Metrics();
  private final GripSig gripSig = new GripSig();

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public List<String> getEndpoints() {
    return endpoints;
  }

  public void setEndpoints(List<String> endpoints) {
    this.endpoints = endpoints;
  }

  public String getChannelPrefix() {
    return channelPrefix;
  }

  public void setChannelPrefix(String channelPrefix) {
    this.channelPrefix = channelPrefix;
  }

  public SuccessPolicy getSuccessPolicy() {
    return successPolicy;
  }

  public void setSuccessPolicy(SuccessPolicy successPolicy) {
    this.successPolicy = successPolicy;
  }

  public Retry getRetry() {
    return retry;
  }

  public Timeouts getTimeouts() {
    return timeouts;
  }

  public Buffer getBuffer() {
    return buffer;
  }

  public Health getHealth() {
    return health;
  }

  public Metrics getMetrics() {
    return metrics;
  }

  public GripSig getGripSig() {
    return gripSig;
  }

  /** Retries of a failed publish attempt (429, 502, 503, 504 and connection failures). */
  public static class Retry {
    /** Attempts in all, the first included; 1 means no retry. */
    private int maxAttempts = 4;
    /** Wait before the first retry. */
    private Duration initialBackoff = Duration.ofMillis(200);
    /** Growth of the wait from one retry to the next. */
    private double multiplier = 2.0;
    /** Longest wait between two attempts. */
    private Duration maxBackoff = Duration.ofSeconds(5);
    /** Random spread of each wait, 0 to 1 (0.5: between half and all of it). */
    private double jitter = 0.5;
    /** Time budget of one publish, all attempts and waits included. */
    private Duration totalBudget = Duration.ofSeconds(30);

    public int getMaxAttempts() {
      return maxAttempts;
    }

    public void setMaxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
    }

    public Duration getInitialBackoff() {
      return initialBackoff;
    }

    public void setInitialBackoff(Duration initialBackoff) {
      this.initialBackoff = initialBackoff;
    }

    public double getMultiplier() {
      return multiplier;
    }

    public void setMultiplier(double multiplier) {
      this.multiplier = multiplier;
    }

    public Duration getMaxBackoff() {
      return maxBackoff;
    }

    public void setMaxBackoff(Duration maxBackoff) {
      this.maxBackoff = maxBackoff;
    }

    public double getJitter() {
      return jitter;
    }

    public void setJitter(double jitter) {
      this.jitter = jitter;
    }

    public Duration getTotalBudget() {
      return totalBudget;
    }

    public void setTotalBudget(Duration totalBudget) {
      this.totalBudget = totalBudget;
    }
  }

  /** Time limits of the publisher's HTTP calls. */
  public static class Timeouts {
    /** Limit on opening a connection to an endpoint. */
    private Duration connect = Duration.ofSeconds(5);
    /** Limit on a pause while reading an endpoint's answer. */
    private Duration read = Duration.ofSeconds(10);
    /** Limit on a pause while sending a request. */
    private Duration write = Duration.ofSeconds(10);
    /** Limit on one HTTP attempt, from connect to the last byte of the answer. */
    private Duration call = Duration.ofSeconds(15);
    /** How long closing the publisher (at shutdown) lets publishes in flight finish. */
    private Duration close = Duration.ofSeconds(5);

    public Duration getConnect() {
      return connect;
    }

    public void setConnect(Duration connect) {
      this.connect = connect;
    }

    public Duration getRead() {
      return read;
    }

    public void setRead(Duration read) {
      this.read = read;
    }

    public Duration getWrite() {
      return write;
    }

    public void setWrite(Duration write) {
      this.write = write;
    }

    public Duration getCall() {
      return call;
    }

    public void setCall(Duration call) {
      this.call = call;
    }

    public Duration getClose() {
      return close;
    }

    public void setClose(Duration close) {
      this.close = close;
    }
  }

  /** The optional BufferedPublisher: submits are queued and sent in batches by one thread. */
  public static class Buffer {
    /** Whether a BufferedPublisher bean is created; it is flushed when the application shuts down. */
    private boolean enabled = false;
    /** The most items the queue holds. */
    private int capacity = 10_000;
    /** The most items sent in one request. */
    // a literal, not BufferedPublisher.DEFAULT_BATCH_ITEMS: the metadata processor shows only a
    // literal as the default (AutoConfigurationTest checks the two agree)
    private int maxBatchItems = 800;
    /** How long the sender waits for more items before sending a batch that is not full. */
    private Duration linger = Duration.ofMillis(5);
    /** What a submit does when the queue is full: BLOCK (up to offer-timeout) or REJECT. */
    private BufferedPublisher.Overflow overflow = BufferedPublisher.Overflow.BLOCK;
    /** How long a submit blocks on a full queue with overflow BLOCK. */
    private Duration offerTimeout = Duration.ofSeconds(1);
    /** How long shutdown waits for the queue to be sent; items left after it fail. */
    private Duration closeTimeout = Duration.ofSeconds(30);

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public int getCapacity() {
      return capacity;
    }

    public void setCapacity(int capacity) {
      this.capacity = capacity;
    }

    public int getMaxBatchItems() {
      return maxBatchItems;
    }

    public void setMaxBatchItems(int maxBatchItems) {
      this.maxBatchItems = maxBatchItems;
    }

    public Duration getLinger() {
      return linger;
    }

    public void setLinger(Duration linger) {
      this.linger = linger;
    }

    public BufferedPublisher.Overflow getOverflow() {
      return overflow;
    }

    public void setOverflow(BufferedPublisher.Overflow overflow) {
      this.overflow = overflow;
    }

    public Duration getOfferTimeout() {
      return offerTimeout;
    }

    public void setOfferTimeout(Duration offerTimeout) {
      this.offerTimeout = offerTimeout;
    }

    public Duration getCloseTimeout() {
      return closeTimeout;
    }

    public void setCloseTimeout(Duration closeTimeout) {
      this.closeTimeout = closeTimeout;
    }
  }

  /** The Actuator health contributor "gripcast", one indicator per endpoint. */
  public static class Health {
    /** Whether the health contributor is created (when Actuator's health module is present). */
    private boolean enabled = true;
    /** Limit on one health check request. */
    private Duration timeout = Duration.ofSeconds(2);

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public Duration getTimeout() {
      return timeout;
    }

    public void setTimeout(Duration timeout) {
      this.timeout = timeout;
    }
  }

  /** Micrometer meters (gripcast-micrometer), bound when the application has a MeterRegistry. */
  public static class Metrics {
    /** Whether the meters are recorded. */
    private boolean enabled = true;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }
  }

  /** The Grip-Sig filter, registered when at least one verify key is configured. */
  public static class GripSig {
    /**
     * Keys that check the Grip-Sig of incoming requests: shared secrets (Pushpin's sig_key),
     * base64:..., PEM public keys or JWKs. The endpoints' verify-key (and GRIP_VERIFY_KEY) count
     * too.
     */
    private List<String> verifyKeys = new ArrayList<>();
    /** The issuer (iss) the tokens of verify-keys must carry; any when unset. */
    private String expectedIssuer;
    /** Whether requests without a valid Grip-Sig are refused with 403 (else marked and passed on). */
    private boolean required = true;
    /** The paths the filter covers (servlet URL patterns). */
    private List<String> urlPatterns = new ArrayList<>(List.of("/*"));

    public List<String> getVerifyKeys() {
      return verifyKeys;
    }

    public void setVerifyKeys(List<String> verifyKeys) {
      this.verifyKeys = verifyKeys;
    }

    public String getExpectedIssuer() {
      return expectedIssuer;
    }

    public void setExpectedIssuer(String expectedIssuer) {
      this.expectedIssuer = expectedIssuer;
    }

    public boolean isRequired() {
      return required;
    }

    public void setRequired(boolean required) {
      this.required = required;
    }

    public List<String> getUrlPatterns() {
      return urlPatterns;
    }

    public void setUrlPatterns(List<String> urlPatterns) {
      this.urlPatterns = urlPatterns;
    }
  }
}
