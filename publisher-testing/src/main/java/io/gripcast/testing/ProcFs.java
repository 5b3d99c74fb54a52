package io.gripcast.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads Linux {@code /proc}: process state, who holds a listening TCP port, and which unix
 * sockets have a connected peer. Pushpin's readiness can only be proven from here (see
 * {@code docs/testing.md}); the JDK has no API for any of it.
 */
final class ProcFs {

  private static final Path PROC = Path.of("/proc");

  private ProcFs() {}

  /**
   * True if the process is alive and not a zombie. {@link ProcessHandle#isAlive()} counts a
   * zombie as alive, and an orphaned Pushpin child that died may stay a zombie for a while.
   */
  static boolean running(ProcessHandle handle) {
    if (!handle.isAlive()) {
      return false;
    }
    char state = state(handle.pid());
    return state != 0 && state != 'Z' && state != 'X';
  }

  /** The state letter of /proc/PID/stat (R, S, T, Z, ...), or 0 if the process is gone. */
  static char state(long pid) {
    String[] f = statFields(pid);
    return f.length == 0 ? 0 : f[0].charAt(0);
  }

  /** The session id of the process (field 6 of /proc/PID/stat), or -1 if it is gone. */
  static long session(long pid) {
    String[] f = statFields(pid);
    return f.length < 4 ? -1 : Long.parseLong(f[3]);
  }

  /** The fields of /proc/PID/stat after "PID (comm)": state, ppid, pgrp, session, ... */
  private static String[] statFields(long pid) {
    String stat;
    try {
      stat = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return new String[0];
    }
    // comm may contain spaces and parentheses: the last ')' ends it
    int close = stat.lastIndexOf(')');
    if (close < 0 || close + 2 >= stat.length()) {
      return new String[0];
    }
    return stat.substring(close + 2).trim().split(" ");
  }

  /** Inodes of the TCP sockets listening on {@code port} (any address, IPv4 or IPv6). */
  static Set<Long> listeningInodes(int port) {
    Set<Long> inodes = new HashSet<>();
    String hexPort = String.format(Locale.ROOT, ":%04X", port);
    for (String table : List.of("net/tcp", "net/tcp6")) {
      List<String> lines;
      try {
        lines = Files.readAllLines(PROC.resolve(table), StandardCharsets.UTF_8);
      } catch (IOException e) {
        continue;
      }
      for (int i = 1; i < lines.size(); i++) {
        String[] f = lines.get(i).trim().split("\\s+");
        // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
        if (f.length > 9 && f[3].equals("0A") && f[1].endsWith(hexPort)) {
          inodes.add(Long.parseLong(f[9]));
        }
      }
    }
    return inodes;
  }

  /** True if one of the processes has a file descriptor on one of the socket inodes. */
  static boolean holdsSocket(List<ProcessHandle> processes, Set<Long> inodes) {
    if (inodes.isEmpty()) {
      return false;
    }
    Set<String> targets = new HashSet<>();
    for (long inode : inodes) {
      targets.add("socket:[" + inode + "]");
    }
    for (ProcessHandle p : processes) {
      Path fdDir = PROC.resolve(Long.toString(p.pid())).resolve("fd");
      try (DirectoryStream<Path> fds = Files.newDirectoryStream(fdDir)) {
        for (Path fd : fds) {
          try {
            if (targets.contains(Files.readSymbolicLink(fd).toString())) {
              return true;
            }
          } catch (IOException ignored) {
            // the fd was closed while we looked
          }
        }
      } catch (IOException ignored) {
        // the process ended while we looked
      }
    }
    return false;
  }

  /**
   * Paths under {@code dir} of unix sockets that have a connected end. The accepted end of a
   * connection to a bound unix socket is listed in /proc/net/unix with the bound path and state
   * 03 (connected), so a bound path with such an entry has a peer.
   */
  static Set<String> connectedUnixPaths(String dir) {
    String prefix = dir.endsWith("/") ? dir : dir + "/";
    Set<String> connected = new HashSet<>();
    List<String> lines;
    try {
      lines = Files.readAllLines(PROC.resolve("net/unix"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read /proc/net/unix (Linux is required)", e);
    }
    for (int i = 1; i < lines.size(); i++) {
      // Num RefCount Protocol Flags Type St Inode Path
      String[] f = lines.get(i).trim().split("\\s+", 8);
      if (f.length == 8 && f[5].equals("03") && f[7].startsWith(prefix)) {
        connected.add(f[7]);
      }
    }
    return connected;
  }

  /** The unix socket files directly inside {@code dir} (sockets are neither files nor dirs). */
  static List<Path> socketFiles(Path dir) {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        try {
          if (Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class,
              java.nio.file.LinkOption.NOFOLLOW_LINKS).isOther()) {
            out.add(p);
          }
        } catch (IOException ignored) {
          // removed while we looked
        }
      }
    } catch (NoSuchFileException e) {
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
    out.sort(null);
    return out;
  }
}
