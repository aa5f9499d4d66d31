package io.handoff.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.handoff.codec.EnvelopeCodec;
import io.handoff.codec.EnvelopeCodecException;
import io.handoff.codec.EnvelopeSummary;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code handoff inspect}: lists the records of one version-topic partition with their kind, term
 * and writer. Reads with a plain assigned consumer (no group, nothing committed) from the chosen
 * start up to the end offset observed when the command started, so it always terminates.
 */
@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    versionProvider = HandoffCli.Version.class,
    sortOptions = false,
    description = {
      "Lists the records of one version-topic partition: offset, timestamp (UTC), kind, term and writer.",
      "Kinds: DATA (put, delete, update), STEP_DOWN_STAMP, DOL, HEARTBEAT (told apart by their keys),"
          + " CONTROL:<TYPE> for other control messages, UNDECODABLE for values that are no envelope v14.",
      "Reads up to the end offset seen at start; joins no consumer group and commits nothing."
    })
final class InspectCommand implements Callable<Integer> {

  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  @Spec CommandSpec spec;

  @Mixin PartitionOptions target;

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  Start start;

  static final class Start {
    @Option(
        names = "--from-offset",
        required = true,
        paramLabel = "N",
        description = "Start at offset N (default: the first offset of the partition).")
    Long fromOffset;

    @Option(
        names = "--last",
        required = true,
        paramLabel = "N",
        description = "Only the last N records.")
    Long last;
  }

  @Option(
      names = "--json",
      description = "One JSON object per record (JSON Lines), no header and no summary.")
  boolean json;

  @Override
  public Integer call() {
    validate();
    PrintWriter out = spec.commandLine().getOut();
    PartitionReader reader = target.open("handoff-inspect");
    try {
      PartitionReader.Bounds bounds = reader.bounds();
      long first = firstOffset(reader, bounds);
      InspectOutput sink = json ? new JsonLines(out) : new Table(out);
      boolean complete = false;
      try {
        reader.read(first, bounds.end(), r -> sink.add(describe(r)));
        complete = true;
      } finally {
        sink.finish(complete);
        out.flush();
      }
    } catch (KafkaException e) {
      throw reader.failure(e);
    } finally {
      reader.close();
    }
    return 0;
  }

  private void validate() {
    CommandLine cl = spec.commandLine();
    target.validate(cl);
    if (start != null && start.fromOffset != null && start.fromOffset < 0) {
      throw new CommandLine.ParameterException(
          cl, "--from-offset must be >= 0, got " + start.fromOffset);
    }
    if (start != null && start.last != null && start.last < 0) {
      throw new CommandLine.ParameterException(cl, "--last must be >= 0, got " + start.last);
    }
  }

  private long firstOffset(PartitionReader reader, PartitionReader.Bounds b) {
    if (start == null) {
      return b.begin();
    }
    if (start.last != null) {
      return Math.max(b.begin(), b.end() - start.last);
    }
    return reader.startAt(b, start.fromOffset);
  }

  /** One listed record. {@code error} is non-null only for UNDECODABLE. */
  record Row(long offset, long timestamp, String kind, long term, String writer, String error) {}

  private Row describe(ConsumerRecord<byte[], byte[]> r) {
    try {
      EnvelopeSummary e = EnvelopeCodec.summarize(r.value());
      return new Row(
          r.offset(),
          r.timestamp(),
          InspectRecordKind.kindOf(r.key(), e),
          e.term(),
          e.writerId(),
          null);
    } catch (EnvelopeCodecException e) {
      String error = e.reason() + ": " + InspectRecordKind.oneLine(e.getMessage());
      return new Row(r.offset(), r.timestamp(), InspectRecordKind.UNDECODABLE, -1, null, error);
    }
  }

  static String formatTimestamp(long ms) {
    return ms < 0 ? "-" : TIMESTAMP.format(Instant.ofEpochMilli(ms));
  }

  // ------------------------------------------------------------------------------------ output

  /** Where listed records go. */
  interface InspectOutput {
    void add(Row row);

    /**
     * Called once, also when reading failed half-way: prints what is pending, and the summary when
     * {@code complete}.
     */
    void finish(boolean complete);
  }

  /** JSON Lines: one object per record, written as it arrives. */
  static final class JsonLines implements InspectOutput {
    private final PrintWriter out;

    JsonLines(PrintWriter out) {
      this.out = out;
    }

    @Override
    public void add(Row row) {
      ObjectNode line = Json.object();
      line.put("offset", row.offset());
      line.put("timestamp", row.timestamp() < 0 ? null : formatTimestamp(row.timestamp()));
      line.put("kind", row.kind());
      line.put("term", row.term());
      line.put("writer", row.writer());
      if (row.error() != null) {
        line.put("error", row.error());
      }
      out.println(Json.line(line));
    }

    @Override
    public void finish(boolean complete) {
      out.flush();
    }
  }

  /**
   * Aligned columns with a header. Widths come from the first {@value #WIDTH_SAMPLE} rows, which
   * are held back until then; later rows are printed at once with those widths.
   */
  static final class Table implements InspectOutput {
    static final int WIDTH_SAMPLE = 10_000;
    private static final String[] HEADER = {
      "OFFSET", "TIMESTAMP", "KIND", "TERM", "WRITER", "ERROR"
    };
    private static final boolean[] RIGHT = {true, false, false, true, false, false};

    private final PrintWriter out;
    private final List<String[]> pending = new ArrayList<>();
    private final Map<String, Integer> counts = new TreeMap<>();
    private int[] widths;
    private long total;

    Table(PrintWriter out) {
      this.out = out;
    }

    @Override
    public void add(Row row) {
      total++;
      counts.merge(row.kind(), 1, Integer::sum);
      String writer =
          row.writer() == null
              ? "-"
              : row.writer().isEmpty() ? "\"\"" : InspectRecordKind.oneLine(row.writer());
      String[] cells = {
        Long.toString(row.offset()),
        formatTimestamp(row.timestamp()),
        row.kind(),
        Long.toString(row.term()),
        writer,
        row.error() == null ? "" : row.error()
      };
      if (widths == null) {
        pending.add(cells);
        if (pending.size() >= WIDTH_SAMPLE) {
          flushPending();
        }
      } else {
        print(cells);
      }
    }

    private void flushPending() {
      boolean anyError = false;
      widths = new int[HEADER.length];
      for (int i = 0; i < HEADER.length; i++) {
        widths[i] = HEADER[i].length();
      }
      for (String[] cells : pending) {
        for (int i = 0; i < cells.length; i++) {
          widths[i] = Math.max(widths[i], cells[i].length());
        }
        anyError |= !cells[cells.length - 1].isEmpty();
      }
      if (pending.isEmpty()) {
        return; // nothing listed: no header either, the summary says "0 records"
      }
      String[] header = HEADER.clone();
      if (!anyError) {
        header[header.length - 1] = "";
      }
      print(header);
      pending.forEach(this::print);
      pending.clear();
    }

    private void print(String[] cells) {
      StringBuilder sb = new StringBuilder(96);
      int last = cells.length - 1;
      while (last > 0 && cells[last].isEmpty()) {
        last--;
      }
      for (int i = 0; i <= last; i++) {
        if (i > 0) {
          sb.append("  ");
        }
        String c = cells[i];
        int pad = i == last ? 0 : Math.max(0, widths[i] - c.length());
        if (RIGHT[i]) {
          sb.append(" ".repeat(pad)).append(c);
        } else {
          sb.append(c).append(" ".repeat(pad));
        }
      }
      out.println(sb);
    }

    @Override
    public void finish(boolean complete) {
      if (widths == null) {
        flushPending();
      }
      if (!complete) {
        out.flush();
        return;
      }
      StringJoiner summary =
          new StringJoiner(
              ", ",
              total + (total == 1 ? " record" : " records") + (counts.isEmpty() ? "" : ": "),
              "");
      counts.forEach((kind, n) -> summary.add(n + " " + kind));
      out.println(summary);
      out.flush();
    }
  }
}
