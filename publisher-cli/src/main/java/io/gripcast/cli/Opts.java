package io.gripcast.cli;

import java.util.List;
import picocli.CommandLine.IParameterConsumer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Picocli options declared in code rather than with annotations, for the commands on the hot path
 * ({@code gripcast} and {@code gripcast publish}).
 *
 * <p>Why: picocli reads annotations through reflection, and the JVM builds a proxy class for each
 * annotation type it meets (and for their meta-annotations), with a reflective lookup per annotation
 * element. That cannot be archived for class-data sharing, and measured 40-70 ms of a cold publish,
 * a third of it. The programmatic model (picocli's documented API) gives the same parsing, help and
 * completion without any of it. Values are read back from the {@link CommandSpec} after parsing.
 */
final class Opts {
  private Opts() {}

  /** A boolean flag. */
  static OptionSpec flag(int order, String description, String... names) {
    return OptionSpec.builder(names).arity("0").type(boolean.class).order(order).description(description).build();
  }

  /** An option with one value of {@code type}. */
  static OptionSpec.Builder value(int order, Class<?> type, String label, String description, String... names) {
    return OptionSpec.builder(names).type(type).paramLabel(label).order(order).description(description);
  }

  /** A repeatable option collecting values of {@code element} in a list. */
  static OptionSpec.Builder list(int order, Class<?> element, String label, String description, String... names) {
    return OptionSpec.builder(names).type(List.class).auxiliaryTypes(element).paramLabel(label).order(order)
        .description(description);
  }

  /** A repeatable option whose values a {@link GreedyValues} consumer collects (it needs a list to add to). */
  static OptionSpec greedy(int order, IParameterConsumer consumer, String label, String description, String... names) {
    return OptionSpec.builder(names).type(List.class).auxiliaryTypes(String.class).paramLabel(label).order(order)
        .description(description).parameterConsumer(consumer).initialValue(new java.util.ArrayList<String>())
        .build();
  }

  /** An optional positional parameter. */
  static PositionalParamSpec positional(String index, String label, String description) {
    return PositionalParamSpec.builder().index(index).arity("0..1").type(String.class).paramLabel(label)
        .description(description).build();
  }

  /** {@code -h/--help} and {@code -V/--version}, as picocli's mixinStandardHelpOptions gives them. */
  static void standardHelp(CommandSpec spec) {
    spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).order(98)
        .description("Show this help message and exit.").build());
    spec.addOption(OptionSpec.builder("-V", "--version").versionHelp(true).order(99)
        .description("Print version information and exit.").build());
    spec.versionProvider(new VersionProvider());
  }

  /** {@code -v/--verbose}. */
  static OptionSpec verbose() {
    return flag(97, "Print progress and per-attempt details on stderr, and a stack trace with errors.",
        "-v", "--verbose");
  }

  /** The parsed (or default) value of an option; null when it has neither. */
  @SuppressWarnings("unchecked")
  static <T> T get(CommandSpec spec, String name) {
    OptionSpec o = spec.findOption(name);
    if (o == null) {
      throw new IllegalArgumentException("no option " + name);
    }
    return (T) o.getValue();
  }

  static boolean isSet(CommandSpec spec, String name) {
    return Boolean.TRUE.equals(get(spec, name));
  }

  /** A list option's values, empty when it was not given. */
  static <T> List<T> all(CommandSpec spec, String name) {
    List<T> v = get(spec, name);
    return v == null ? List.of() : v;
  }

  /** A positional parameter's value, or null. */
  static String positional(CommandSpec spec, int index) {
    for (PositionalParamSpec p : spec.positionalParameters()) {
      if (p.index().min() == index) {
        return p.getValue();
      }
    }
    return null;
  }
}
