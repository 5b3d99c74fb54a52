package io.gripcast;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Runs a test once over each transport a user can name, {@link HttpTransport#SELECTOR} and
 * {@link HttpTransport#OKHTTP}; the test method takes the {@link HttpTransport} as its parameter
 * and passes it to {@link Publisher.Builder#transport}. Why: both are documented to behave alike
 * (same outcomes, attempts, retries, ids and excerpts), and only a test that runs over both can
 * hold them to it.
 *
 * <p>Each case is named {@code over SELECTOR} / {@code over OKHTTP}, and a failure's message starts
 * with that name: Maven's console and summary name a parameterized case by its index only
 * ({@code [2]}), which would not say which transport broke.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@ParameterizedTest(name = "over {0}")
@EnumSource(value = HttpTransport.class, names = {"SELECTOR", "OKHTTP"})
@ExtendWith(OverBothTransports.NameTheCase.class)
@interface OverBothTransports {

  /**
   * Prefixes a failure with the case's name ("over OKHTTP"), keeping its stack trace for the line
   * number. Any parameterized test can use it to name its cases in Maven's output.
   */
  final class NameTheCase implements TestExecutionExceptionHandler {
    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable t) throws Throwable {
      if (t instanceof org.opentest4j.TestAbortedException) {
        throw t; // a failed assumption skips the case; wrapped, it would fail it
      }
      String name = context.getDisplayName();
      String message = t instanceof AssertionError ? t.getMessage() : t.toString();
      if (message != null && message.startsWith(name)) {
        throw t;
      }
      AssertionError named = new AssertionError(name + ": " + message, t);
      named.setStackTrace(t.getStackTrace());
      throw named;
    }
  }
}
