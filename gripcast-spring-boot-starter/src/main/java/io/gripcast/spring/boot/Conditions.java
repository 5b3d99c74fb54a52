package io.gripcast.spring.boot;

import io.gripcast.GripException;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** Conditions on what the properties configure; their messages show in the conditions report. */
final class Conditions {
  private Conditions() {}

  /** An endpoint is configured: gripcast.endpoints or GRIP_URL. */
  static final class OnEndpoint extends SpringBootCondition {
    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
      GripcastProperties p = GripcastSettings.bind(context.getEnvironment());
      boolean listed = p.getEndpoints().stream().anyMatch(u -> u != null && !u.isBlank());
      String env = context.getEnvironment().getProperty("GRIP_URL");
      if (listed) {
        return ConditionOutcome.match("gripcast.endpoints is set");
      }
      if (env != null && !env.isBlank()) {
        return ConditionOutcome.match("GRIP_URL is set");
      }
      return ConditionOutcome.noMatch("neither gripcast.endpoints nor GRIP_URL is set: no Publisher");
    }
  }

  /** A Grip-Sig verify key is configured (gripcast.grip-sig.verify-keys, or an endpoint's). */
  static final class OnVerifyKey extends SpringBootCondition {
    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
      GripcastProperties p = GripcastSettings.bind(context.getEnvironment());
      try {
        int keys = GripcastSettings.verifiers(p, context.getEnvironment()).size();
        return keys > 0
            ? ConditionOutcome.match(keys + " Grip-Sig verify key(s) configured")
            : ConditionOutcome.noMatch("no Grip-Sig verify key configured (gripcast.grip-sig.verify-keys,"
                + " an endpoint's verify-key, or GRIP_VERIFY_KEY)");
      } catch (GripException | IllegalArgumentException e) {
        // the filter bean then fails with this message; here it only decides, and a bad key must not
        // silently leave the application unprotected
        return ConditionOutcome.match("a Grip-Sig key is configured but unreadable");
      }
    }
  }
}
