package io.gripcast.examples.echo;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/**
 * The Lambda {@link Context} of one local invocation: a request id, a deadline, and a logger that
 * writes to standard error (where the Lambda runtime's logs would go to CloudWatch). The deadline is
 * only reported by {@link #getRemainingTimeInMillis()}, not enforced.
 */
final class LocalContext implements Context {

  static final String FUNCTION_NAME = "lambda-websocket-echo";

  private final String requestId;
  private final long deadlineNanos;
  private final Duration timeout;
  private final LambdaLogger logger;

  LocalContext(String requestId, Duration timeout) {
    this.requestId = Objects.requireNonNull(requestId, "requestId");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.deadlineNanos = System.nanoTime() + timeout.toNanos();
    this.logger = new LambdaLogger() {
      @Override
      public void log(String message) {
        System.err.println(requestId + " " + message);
      }

      @Override
      public void log(byte[] message) {
        log(new String(message, StandardCharsets.UTF_8));
      }
    };
  }

  @Override
  public String getAwsRequestId() {
    return requestId;
  }

  @Override
  public String getLogGroupName() {
    return "/aws/lambda/" + FUNCTION_NAME;
  }

  @Override
  public String getLogStreamName() {
    return "local";
  }

  @Override
  public String getFunctionName() {
    return FUNCTION_NAME;
  }

  @Override
  public String getFunctionVersion() {
    return "$LATEST";
  }

  @Override
  public String getInvokedFunctionArn() {
    return "arn:aws:lambda:local:000000000000:function:" + FUNCTION_NAME;
  }

  @Override
  public CognitoIdentity getIdentity() {
    return null;
  }

  @Override
  public ClientContext getClientContext() {
    return null;
  }

  @Override
  public int getRemainingTimeInMillis() {
    long left = (deadlineNanos - System.nanoTime()) / 1_000_000;
    return (int) Math.max(0, Math.min(Integer.MAX_VALUE, left));
  }

  @Override
  public int getMemoryLimitInMB() {
    return 512;
  }

  @Override
  public LambdaLogger getLogger() {
    return logger;
  }

  @Override
  public String toString() {
    return "LocalContext[requestId=" + requestId + ", timeout=" + timeout + "]";
  }
}
