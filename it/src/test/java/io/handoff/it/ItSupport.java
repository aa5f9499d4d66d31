package io.handoff.it;

import io.handoff.spi.HostResources;
import io.handoff.spi.WriteBarrier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.Producer;

/**
 * Helpers shared by the integration tests: what a test lends an emitter, the observed-outcome log.
 */
final class ItSupport {

  /** Where each class writes the outcomes it observed, one Markdown table row per case. */
  static final Path OBSERVED_DIR = Path.of("target", "it-observed");

  /**
   * The write barrier of a test that writes no data of its own: with no send outstanding there is
   * nothing a stamp has to be ordered after, so a barrier that is always complete tells the truth.
   */
  static final WriteBarrier NO_DATA_WRITTEN =
      (topic, partition) -> CompletableFuture.completedFuture(null);

  private ItSupport() {}

  /**
   * What a test that writes no data lends the stamp emitter: {@link #NO_DATA_WRITTEN}. The emitter
   * then stamps on a producer of its own, built from {@code server.leader.handover.kafka.*}.
   */
  static HostResources noDataWritten() {
    return HostResources.of(WriteBarrier.class, NO_DATA_WRITTEN);
  }

  /**
   * What a test that writes its data on {@code dataProducer} lends the stamp emitter: that
   * producer, so that Kafka orders each stamp after the data sent before it.
   */
  static HostResources dataProducer(Producer<byte[], byte[]> dataProducer) {
    return HostResources.of(Producer.class, dataProducer);
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Starts (truncates) the observed-outcome file of {@code name} with a Markdown table header. */
  static void startObserved(String name, String header) {
    try {
      Files.createDirectories(OBSERVED_DIR);
      Files.writeString(
          OBSERVED_DIR.resolve(name + ".md"),
          header + System.lineSeparator(),
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Appends one row to the observed-outcome file of {@code name}; '|' and newlines in cells are
   * escaped.
   */
  static synchronized void observed(String name, String... cells) {
    StringBuilder sb = new StringBuilder("|");
    for (String cell : cells) {
      sb.append(' ')
          .append(cell.replace("|", "\\|").replace("\r", "").replace("\n", " ⏎ "))
          .append(" |");
    }
    try {
      Files.createDirectories(OBSERVED_DIR);
      Files.writeString(
          OBSERVED_DIR.resolve(name + ".md"),
          sb + System.lineSeparator(),
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code t} and its causes, outermost first, each as {@code toString()}. */
  static List<String> causeChain(Throwable t) {
    List<String> chain = new ArrayList<>();
    for (Throwable c = t;
        c != null && chain.size() < 20;
        c = c.getCause() == c ? null : c.getCause()) {
      chain.add(c.toString());
    }
    return chain;
  }

  /** Whether {@code t} or one of its causes is a {@code type}. */
  static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }
}
