package io.gripcast.cli;

import java.util.List;
import java.util.Stack;
import picocli.CommandLine.IParameterConsumer;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Value consumption for {@code -H} and {@code -M} that accepts what pushpin-publish accepts.
 *
 * <p>pushpin-publish (clap, {@code multiple} values) lets one {@code -H} take several values:
 * {@code pushpin-publish test hi -H "A: 1" "B: 2"}. A script like that must work unchanged, so
 * after the first value this consumer also takes the following arguments that have the shape of
 * another value ({@code Name: value} for headers, {@code K=V} for meta). Unlike pushpin-publish it
 * stops at the first argument of another shape, so {@code -H "A: 1" test hi} still publishes "hi"
 * on "test" where pushpin-publish would fail.
 */
abstract class GreedyValues implements IParameterConsumer {

  /** Whether {@code arg} looks like one more value of this option. */
  abstract boolean looksLikeValue(String arg);

  @Override
  public void consumeParameters(Stack<String> args, ArgSpec argSpec, CommandSpec commandSpec) {
    if (args.isEmpty()) {
      throw new MissingParameterException(commandSpec.commandLine(), argSpec,
          "Missing required parameter for option '" + ((OptionSpec) argSpec).longestName() + "' ("
              + argSpec.paramLabel() + ")");
    }
    List<String> values = argSpec.getValue();
    values.add(args.pop());
    while (!args.isEmpty() && !args.peek().startsWith("-") && looksLikeValue(args.peek())) {
      values.add(args.pop());
    }
  }

  /** {@code -H}: more values while they contain a colon. */
  static final class Headers extends GreedyValues {
    @Override
    boolean looksLikeValue(String arg) {
      return arg.indexOf(':') > 0;
    }
  }

  /** {@code -M}: more values while they contain an equals sign. */
  static final class Meta extends GreedyValues {
    @Override
    boolean looksLikeValue(String arg) {
      return arg.indexOf('=') > 0;
    }
  }
}
