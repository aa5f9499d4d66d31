package io.handoff.helix;

import static java.util.Objects.requireNonNull;

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

/**
 * One {@link HandoffServer} in a JVM of its own, started with this JVM's class path, its events and
 * logs appended to files: what an orchestrator (a test, the cluster command) drives. Its standard
 * input stays open, so a server configured to stop at the end of its input does not outlive the
 * orchestrator. Not thread-safe, except {@link #close()}, which may run in a shutdown hook.
 */
public final class ServerProcess implements AutoCloseable {

  private final String instance;
  private final Path events;
  private final Path log;
  private final List<String> command;
  private volatile Process process;
  private volatile boolean paused;

  /** A server with the default JVM options. */
  public ServerProcess(String instance, Path dir, List<String> serverArgs) {
    this(instance, dir, List.of(), serverArgs);
  }

  /**
   * A server not yet started.
   *
   * @param dir where {@code <instance>.events.jsonl} and {@code <instance>.log} go
   * @param jvmOptions extra JVM options, e.g. {@code -Dzk.session.timeout=4000}
   * @param serverArgs the arguments of {@link HandoffServer#main}
   */
  public ServerProcess(
      String instance, Path dir, List<String> jvmOptions, List<String> serverArgs) {
    this.instance = requireNonNull(instance, "instance is null");
    this.events = dir.resolve(instance + ".events.jsonl");
    this.log = dir.resolve(instance + ".log");
    List<String> c = new ArrayList<>();
    c.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // A small, fast-starting JVM: the machine's two cores are shared.
    c.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    c.addAll(jvmOptions);
    c.addAll(List.of("-cp", classPath(), HandoffServer.class.getName()));
    c.addAll(serverArgs);
    this.command = List.copyOf(c);
  }

  public String instance() {
    return instance;
  }

  /** The file of its {@link HandoverLog} lines. */
  public Path events() {
    return events;
  }

  /** The file of its logs (standard error). */
  public Path log() {
    return log;
  }

  /** Starts the JVM. */
  public void start() {
    try {
      process =
          new ProcessBuilder(command)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(events.toFile()))
              .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
      paused = false;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + instance, e);
    }
  }

  public boolean isAlive() {
    Process p = process;
    return p != null && p.isAlive();
  }

  /** SIGTERM, then the exit status (the JVM's 143 after a graceful SIGTERM, or 0). */
  public int stopGracefully(long timeoutSeconds) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new IllegalStateException(instance + " did not stop within " + timeoutSeconds + " s");
    }
    return process.exitValue();
  }

  /** SIGKILL ({@code kill -9}), and waits until the process is gone. */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }

  /** SIGSTOP: the JVM freezes, threads, timers and ZooKeeper heartbeats included. */
  public void pause() {
    signal("STOP");
    paused = true;
  }

  /** SIGCONT after {@link #pause()}. */
  public void resume() {
    signal("CONT");
    paused = false;
  }

  private void signal(String name) {
    long pid = process.pid();
    try {
      Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + name + " " + pid + " (" + instance + ") failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot signal " + instance + " (pid " + pid + ")", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while signalling " + instance, e);
    }
  }

  /** Stops the JVM whatever its state: gracefully if it can, else forcibly. Idempotent. */
  @Override
  public void close() {
    Process p = process;
    if (p == null || !p.isAlive()) {
      return;
    }
    if (paused) {
      // A stopped JVM cannot run its shutdown hook; it would only be killed after the timeout.
      p.destroyForcibly();
    } else {
      p.destroy();
    }
    try {
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** The last 30 lines of its log. */
  public String logTail() {
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
