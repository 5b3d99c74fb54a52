package io.gripcast.examples.modular;

import io.gripcast.Publisher;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;

/**
 * Tries to reach gripcast's internal package the way application code might, by reflection, and
 * prints what it found, one {@code key=value} line each.
 *
 * <p>On the module path, {@code io.gripcast} does not export {@code io.gripcast.internal} to this
 * module: the class can be loaded, but neither calling its public methods nor
 * {@code setAccessible} is allowed. On the class path, everything is one unnamed module and both
 * work. Source code cannot even mention the package on the module path: javac reports that it is
 * not visible.
 */
public final class InternalProbe {

  static final String INTERNAL_PACKAGE = "io.gripcast.internal";
  static final String INTERNAL_CLASS = INTERNAL_PACKAGE + ".Batches";

  private InternalProbe() {}

  public static void main(String[] args) throws ClassNotFoundException, NoSuchMethodException {
    Module self = InternalProbe.class.getModule();
    Module gripcast = Publisher.class.getModule();
    System.out.println("app-module=" + name(self));
    System.out.println("gripcast-module=" + name(gripcast));

    Class<?> internal = Class.forName(INTERNAL_CLASS);
    System.out.println("loaded=" + internal.getName());
    System.out.println("exported=" + gripcast.isExported(INTERNAL_PACKAGE, self));

    // a public static method of a public class: only the package's export stands in the way
    Method split = internal.getMethod("split", List.class, int.class);
    try {
      split.invoke(null, List.of(), 1024);
      System.out.println("invoke=allowed");
    } catch (IllegalAccessException e) {
      System.out.println("invoke=denied " + e.getMessage());
    } catch (InvocationTargetException e) {
      System.out.println("invoke=allowed (threw " + e.getCause() + ")");
    }
    System.out.println("setAccessible=" + (split.trySetAccessible() ? "allowed" : "denied"));
  }

  private static String name(Module m) {
    return m.isNamed() ? m.getName() : "unnamed";
  }
}
