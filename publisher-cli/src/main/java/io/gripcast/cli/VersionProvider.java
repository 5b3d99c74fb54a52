package io.gripcast.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar manifest; "dev" when run from classes (tests, IDE). */
final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = GripcastCommand.class.getPackage().getImplementationVersion();
    return new String[] {
      "gripcast " + (v == null ? "dev" : v),
      "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"
    };
  }
}
