package io.gripcast.build;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A text dump of a module's public API, one line per type and per member, in a stable order: what
 * a caller can see and compile against. Why: OkHttp keeps such a dump under version control and
 * fails its build when the API changes unnoticed; gripcast does the same, so that an API change
 * shows up in review as a change to {@code api/<module>.api}.
 *
 * <p>What counts: the public and protected types of the packages the module exports to everyone
 * (read from {@code module-info.class}; qualified exports are not API), their public and protected
 * constructors, methods and fields, with generic signatures, {@code throws} clauses, the values of
 * constants (a constant is compiled into its callers), supertypes and permitted subclasses.
 */
public final class ApiDump {
  private ApiDump() {}

  /** The system property that rewrites the committed dump instead of comparing with it. */
  public static final String UPDATE_PROPERTY = "gripcast.api.update";

  /**
   * Compares the API of the classes in {@code classesDir} (a module's compiled classes, loaded by
   * {@code loader}) with {@code committed}; rewrites it instead when {@link #UPDATE_PROPERTY} is true.
   *
   * @throws AssertionError naming the lines that differ and how to accept the change
   */
  public static void check(Path classesDir, ClassLoader loader, Path committed) {
    String actual = dump(classesDir, loader);
    if (Boolean.getBoolean(UPDATE_PROPERTY)) {
      write(committed, actual);
      return;
    }
    String expected;
    try {
      expected = Files.exists(committed) ? Files.readString(committed, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (!expected.equals(actual)) {
      throw new AssertionError("the public API differs from " + committed + ":\n" + diff(expected, actual)
          + "\nIf the change is meant, update the dump in the same commit:\n"
          + "  mvn -B verify -D" + UPDATE_PROPERTY + "=true -Dtest=ApiSignatureTest -Dsurefire.failIfNoSpecifiedTests=false\n");
    }
  }

  /** The dump of the exported API of the module compiled into {@code classesDir}. */
  public static String dump(Path classesDir, ClassLoader loader) {
    Set<String> exported = exportedPackages(classesDir);
    List<String> lines = new ArrayList<>();
    for (String name : classNames(classesDir)) {
      int dot = name.lastIndexOf('.');
      if (dot < 0 || !exported.contains(name.substring(0, dot))) {
        continue;
      }
      Class<?> c;
      try {
        c = Class.forName(name, false, loader);
      } catch (ClassNotFoundException | LinkageError e) {
        throw new IllegalStateException("cannot load " + name + " to dump its API: " + e, e);
      }
      if (!isVisible(c)) {
        continue;
      }
      lines.add(typeLine(c));
      Set<String> members = new TreeSet<>();
      for (Field f : c.getDeclaredFields()) {
        if (visible(f) && !f.isSynthetic()) {
          members.add("  field " + fieldLine(f));
        }
      }
      for (Constructor<?> k : c.getDeclaredConstructors()) {
        if (visible(k) && !k.isSynthetic()) {
          members.add("  " + executableLine(k));
        }
      }
      for (Method m : c.getDeclaredMethods()) {
        if (visible(m) && !m.isSynthetic() && !m.isBridge()) {
          members.add("  " + executableLine(m));
        }
      }
      lines.addAll(members);
    }
    return String.join("\n", lines) + "\n";
  }

  private static Set<String> exportedPackages(Path classesDir) {
    Path info = classesDir.resolve("module-info.class");
    if (!Files.exists(info)) {
      throw new IllegalStateException(classesDir + " has no module-info.class: the exported packages decide what is API");
    }
    try (var in = Files.newInputStream(info)) {
      return ModuleDescriptor.read(in).exports().stream()
          .filter(e -> !e.isQualified())
          .map(ModuleDescriptor.Exports::source)
          .collect(Collectors.toCollection(TreeSet::new));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> classNames(Path classesDir) {
    try (Stream<Path> files = Files.walk(classesDir)) {
      return files.filter(p -> p.toString().endsWith(".class") && !p.getFileName().toString().equals("module-info.class")
              && !p.getFileName().toString().equals("package-info.class"))
          .map(p -> classesDir.relativize(p).toString().replace('/', '.').replace('\\', '.'))
          .map(s -> s.substring(0, s.length() - ".class".length()))
          .sorted()
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Public, or a protected or public member type of a visible type: what a caller outside can name. */
  private static boolean isVisible(Class<?> c) {
    if (c.isAnonymousClass() || c.isLocalClass() || c.isSynthetic()) {
      return false;
    }
    int m = c.getModifiers();
    if (c.getEnclosingClass() == null) {
      return Modifier.isPublic(m);
    }
    return (Modifier.isPublic(m) || Modifier.isProtected(m)) && isVisible(c.getEnclosingClass())
        && !(Modifier.isProtected(m) && Modifier.isFinal(c.getEnclosingClass().getModifiers()));
  }

  private static boolean visible(Member member) {
    int m = member.getModifiers();
    if (Modifier.isPublic(m)) {
      return true;
    }
    // a protected member of a final class cannot be reached from outside its package
    return Modifier.isProtected(m) && !Modifier.isFinal(member.getDeclaringClass().getModifiers());
  }

  private static String typeLine(Class<?> c) {
    StringBuilder sb = new StringBuilder();
    int m = c.getModifiers();
    sb.append(Modifier.isPublic(m) ? "public " : "protected ");
    String kind;
    if (c.isAnnotation()) {
      kind = "@interface";
    } else if (c.isInterface()) {
      kind = "interface";
    } else if (c.isEnum()) {
      kind = "enum";
    } else if (c.isRecord()) {
      kind = "record";
    } else {
      kind = (Modifier.isAbstract(m) ? "abstract " : "") + (Modifier.isFinal(m) ? "final " : "") + "class";
    }
    if (c.getEnclosingClass() != null && Modifier.isStatic(m) && !c.isInterface() && !c.isEnum() && !c.isRecord()) {
      sb.append("static ");
    }
    if (c.isSealed()) {
      sb.append("sealed ");
    }
    sb.append(kind).append(' ').append(c.getName());
    TypeVariable<?>[] tps = c.getTypeParameters();
    if (tps.length > 0) {
      sb.append(Arrays.stream(tps).map(ApiDump::typeVariable).collect(Collectors.joining(", ", "<", ">")));
    }
    Type sup = c.getGenericSuperclass();
    if (sup != null && sup != Object.class && !c.isEnum() && !c.isRecord()) {
      sb.append(" extends ").append(sup.getTypeName());
    }
    Type[] ifaces = c.getGenericInterfaces();
    if (ifaces.length > 0) {
      sb.append(c.isInterface() ? " extends " : " implements ")
          .append(Arrays.stream(ifaces).map(Type::getTypeName).sorted().collect(Collectors.joining(", ")));
    }
    if (c.isSealed()) {
      sb.append(" permits ").append(Arrays.stream(c.getPermittedSubclasses()).map(Class::getName).sorted()
          .collect(Collectors.joining(", ")));
    }
    return sb.toString();
  }

  private static String typeVariable(TypeVariable<?> v) {
    Type[] bounds = v.getBounds();
    if (bounds.length == 1 && bounds[0] == Object.class) {
      return v.getName();
    }
    return v.getName() + " extends " + Arrays.stream(bounds).map(Type::getTypeName).collect(Collectors.joining(" & "));
  }

  private static String fieldLine(Field f) {
    String s = modifiers(f.getModifiers()) + f.getGenericType().getTypeName() + " " + f.getName();
    if (Modifier.isStatic(f.getModifiers()) && Modifier.isFinal(f.getModifiers())
        && (f.getType().isPrimitive() || f.getType() == String.class) && !f.isEnumConstant()) {
      try {
        f.setAccessible(true);
        Object v = f.get(null);
        s += " = " + (v instanceof String ? "\"" + v + "\"" : v);
      } catch (ReflectiveOperationException | RuntimeException e) {
        // not a constant we can read: the type and name still say what is API
      }
    }
    return s;
  }

  private static String executableLine(Executable e) {
    // modifiers, type parameters, return type, qualified name, parameters and throws; "default"
    // stays (it is API), modifiers that are not API go
    return e.toGenericString().replace("synchronized ", "").replace("native ", "").replace("strictfp ", "");
  }

  private static String modifiers(int m) {
    StringBuilder sb = new StringBuilder();
    sb.append(Modifier.isPublic(m) ? "public " : "protected ");
    if (Modifier.isStatic(m)) {
      sb.append("static ");
    }
    if (Modifier.isFinal(m)) {
      sb.append("final ");
    }
    return sb.toString();
  }

  private static void write(Path file, String text) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The lines only in {@code expected} (-) and only in {@code actual} (+), at most 60 of them. */
  static String diff(String expected, String actual) {
    List<String> e = Arrays.asList(expected.split("\n"));
    List<String> a = Arrays.asList(actual.split("\n"));
    Set<String> es = new TreeSet<>(e);
    Set<String> as = new TreeSet<>(a);
    List<String> out = new ArrayList<>();
    for (String line : e) {
      if (!as.contains(line)) {
        out.add("- " + line);
      }
    }
    for (String line : a) {
      if (!es.contains(line)) {
        out.add("+ " + line);
      }
    }
    if (out.size() > 60) {
      int more = out.size() - 60;
      out = new ArrayList<>(out.subList(0, 60));
      out.add("(" + more + " more lines differ)");
    }
    return String.join("\n", out);
  }
}
