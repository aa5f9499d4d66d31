package io.handoff.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Debian's Chromium, headless, for tests that look at a page the way a reader does. It is not on a
 * fresh machine: {@link #ensureInstalled()} installs Debian's {@code chromium} package when the
 * tests run as root with {@code apt-get} (as on the project's build machines and CI), and otherwise
 * fails with one message saying what to install.
 */
final class HeadlessChromium {

  private static final Logger LOG = LoggerFactory.getLogger(HeadlessChromium.class);

  static final Path BINARY = Path.of("/usr/bin/chromium");
  static final String MISSING =
      "Chromium is needed at "
          + BINARY
          + " for this test: install Debian's chromium"
          + " package (apt-get install chromium)";

  private static final Duration APT_UPDATE_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration APT_INSTALL_TIMEOUT = Duration.ofMinutes(15);

  private final Path binary;

  private HeadlessChromium(Path binary) {
    this.binary = binary;
  }

  /**
   * Chromium at {@link #BINARY}, installed first with {@code apt-get} when it is missing and the
   * process may install packages.
   *
   * @throws AssertionError naming the package to install, when it is missing and cannot be
   *     installed
   */
  static synchronized HeadlessChromium ensureInstalled() throws IOException, InterruptedException {
    if (Files.isExecutable(BINARY)) {
      return new HeadlessChromium(BINARY);
    }
    Path aptGet = onPath("apt-get");
    if (aptGet == null || !runsAsRoot()) {
      throw new AssertionError(
          MISSING
              + " (not installed here automatically: "
              + (aptGet == null ? "apt-get not found" : "not running as root")
              + ")");
    }
    LOG.info("{} is missing: installing Debian's chromium package with {}", BINARY, aptGet);
    // Another apt-get may hold the lock for a while (unattended upgrades): wait for it rather than
    // fail.
    apt(APT_UPDATE_TIMEOUT, aptGet.toString(), "-o", "DPkg::Lock::Timeout=120", "update");
    apt(
        APT_INSTALL_TIMEOUT,
        aptGet.toString(),
        "-o",
        "DPkg::Lock::Timeout=120",
        "install",
        "-y",
        "--no-install-recommends",
        "chromium");
    if (!Files.isExecutable(BINARY)) {
      throw new AssertionError(
          MISSING + " (apt-get install chromium finished, but " + BINARY + " is not there)");
    }
    return new HeadlessChromium(BINARY);
  }

  /** How Chromium exited and what it printed. */
  record Run(int exitCode, String stdout, String stderr) {}

  /**
   * Takes a screenshot of {@code page} at {@code width} x {@code height} CSS pixels into {@code
   * png}.
   */
  Run screenshot(Path page, Path png, int width, int height, Duration timeout)
      throws IOException, InterruptedException {
    return run(
        timeout,
        "--hide-scrollbars",
        "--window-size=" + width + "," + height,
        "--screenshot=" + png.toAbsolutePath(),
        page.toUri().toString());
  }

  /** The page's DOM once loaded, serialized, as {@code --dump-dom} prints it. */
  Run dumpDom(Path page, Duration timeout) throws IOException, InterruptedException {
    return run(timeout, "--dump-dom", page.toUri().toString());
  }

  private Run run(Duration timeout, String... args) throws IOException, InterruptedException {
    // A fresh profile each time: nothing of an earlier run (or of a person's browser) takes part.
    Path profile = Files.createTempDirectory("handoff-chromium-profile");
    Path out = Files.createTempFile("handoff-chromium", ".out");
    Path err = Files.createTempFile("handoff-chromium", ".err");
    List<String> command =
        new ArrayList<>(
            List.of(
                binary.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + profile));
    command.addAll(List.of(args));
    LOG.info("Running {}", String.join(" ", command));
    // Output to files, not pipes: a chatty Chromium must never block on a full pipe.
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(
            "Chromium did not finish within "
                + timeout.toSeconds()
                + " s: "
                + String.join(" ", command)
                + "\n"
                + Files.readString(err, StandardCharsets.UTF_8));
      }
      return new Run(
          process.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      destroy(process);
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
      deleteTree(profile);
    }
  }

  private static void apt(Duration timeout, String... command)
      throws IOException, InterruptedException {
    LOG.info("Running {}", String.join(" ", command));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
    Process process = pb.start();
    Thread logger =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                  LOG.info("[apt-get] {}", line);
                }
              } catch (IOException e) {
                LOG.warn("Lost apt-get's output: {}", e.toString());
              }
            },
            "apt-get-output");
    logger.setDaemon(true);
    logger.start();
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(
            MISSING
                + " ("
                + String.join(" ", command)
                + " did not finish within "
                + timeout.toMinutes()
                + " min)");
      }
      logger.join(5_000);
      if (process.exitValue() != 0) {
        throw new AssertionError(
            MISSING
                + " ("
                + String.join(" ", command)
                + " exited with "
                + process.exitValue()
                + "; its output is in the test's log)");
      }
    } finally {
      destroy(process);
    }
  }

  /**
   * Ends the process and whatever it started (Chromium's renderers and helpers), if still running.
   */
  private static void destroy(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static boolean runsAsRoot() {
    try {
      return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }

  private static Path onPath(String name) {
    String path = System.getenv("PATH");
    List<String> dirs = new ArrayList<>(List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin"));
    if (path != null) {
      dirs.addAll(0, List.of(path.split(":")));
    }
    for (String dir : dirs) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths
          .sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (IOException | UncheckedIOException e) {
      LOG.warn("Could not delete {}: {}", root, e.toString());
    }
  }
}
