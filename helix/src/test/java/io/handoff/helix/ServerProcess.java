package io.handoff.helix;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/** One {@link HandoffServer} in a JVM of its own, its events and logs appended to files. */
final class ServerProcess implements AutoCloseable {

  final String instance;
  final Path events;
  final Path log;
  private final List<String> command;
  private Process process;

  ServerProcess(String instance, Path dir, List<String> serverArgs) {
    this.instance = instance;
    this.events = dir.resolve(instance + ".events.jsonl");
    this.log = dir.resolve(instance + ".log");
    List<String> c = new ArrayList<>();
    c.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // A small, fast-starting JVM: the machine's two cores are shared.
    c.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    c.addAll(List.of("-cp", classPath(), HandoffServer.class.getName()));
    c.addAll(serverArgs);
    this.command = List.copyOf(c);
  }

  /** Starts the JVM; its standard input stays open, so it stops when this JVM dies. */
  void start() {
    try {
      process =
          new ProcessBuilder(command)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(events.toFile()))
              .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + instance, e);
    }
  }

  boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** SIGTERM, then the exit status (the JVM's 143 after a graceful SIGTERM, or 0). */
  int stopGracefully(long timeoutSeconds) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError(instance + " did not stop within " + timeoutSeconds + " s");
    }
    return process.exitValue();
  }

  /** Stops the JVM whatever its state: gracefully if it can, else forcibly. */
  @Override
  public void close() {
    if (process == null || !process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  String logTail() {
    try {
      List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }

  /**
   * This JVM's class path. Surefire and failsafe may start tests with a booter jar whose manifest
   * holds the real class path; that jar is deleted when the tests end, so the entries of its
   * manifest are given to the child instead.
   */
  static String classPath() {
    String cp = System.getProperty("java.class.path");
    String[] entries = cp.split(File.pathSeparator);
    if (entries.length != 1 || !entries[0].endsWith(".jar")) {
      return cp;
    }
    try (JarFile jar = new JarFile(entries[0])) {
      Manifest m = jar.getManifest();
      String manifestPath = m == null ? null : m.getMainAttributes().getValue("Class-Path");
      if (manifestPath == null) {
        return cp;
      }
      List<String> expanded = new ArrayList<>();
      for (String url : manifestPath.trim().split("\\s+")) {
        URI uri = Path.of(entries[0]).toUri().resolve(url);
        expanded.add(Path.of(uri).toString());
      }
      return String.join(File.pathSeparator, expanded);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the class path of " + entries[0], e);
    }
  }
}
