package io.handoff.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.handoff.spi.HandoverExplanation;
import io.handoff.spi.TenureTracker;
import io.handoff.stamp.StampRecords;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.common.KafkaException;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code handoff explain}: whether a new leader of one version-topic partition may skip the
 * inactivity wait, and why, with the tenures behind the answer. Reads like {@code inspect} (no
 * group, nothing committed, up to the end offset seen at start) and writes nothing: the new
 * leader's declaration of leadership is assumed, not produced.
 */
@Command(
    name = "explain",
    mixinStandardHelpOptions = true,
    versionProvider = HandoffCli.Version.class,
    sortOptions = false,
    description = {
      "Tells whether a new leader of one version-topic partition may skip the inactivity wait, and why.",
      "Reads the partition up to its end offset at start through the stamp strategy's observer (consuming on),"
          + " assumes the new leader's declaration of leadership at that end offset, and prints the verdict,"
          + " the records responsible, and every tenure read: writer, term, first and last offset (first '?'"
          + " when reading began inside it), clean or not, closed by its own step-down stamp or not.",
      "Exits 0 whatever the verdict; joins no consumer group, commits nothing and writes nothing."
    })
final class ExplainCommand implements Callable<Integer> {

  static final String DEFAULT_WRITER = "handoff-explain";

  @Spec CommandSpec spec;

  @Mixin PartitionOptions target;

  @Option(
      names = "--as-writer",
      paramLabel = "ID",
      defaultValue = DEFAULT_WRITER,
      description = "Writer id (host name) of the new leader (default: ${DEFAULT-VALUE}).")
  String writer;

  @Option(
      names = "--term",
      paramLabel = "T",
      description = "Term of the new leader, > 0 (default: one above the highest term read).")
  Long term;

  @Option(
      names = "--from-offset",
      paramLabel = "N",
      description =
          "Start at offset N (default: the first offset of the partition). A tenure that began before"
              + " it is never clean: its declaration was not read.")
  Long fromOffset;

  @Option(names = "--json", description = "One JSON object with the same content, on one line.")
  boolean json;

  @Override
  public Integer call() {
    validate();
    TenureReport report = new TenureReport(target.topic, target.partition, writer);
    long first;
    long end;
    PartitionReader reader = target.open("handoff-explain");
    try {
      PartitionReader.Bounds bounds = reader.bounds();
      first = fromOffset == null ? bounds.begin() : reader.startAt(bounds, fromOffset);
      end = bounds.end();
      withRuleWarningsMuted(() -> reader.read(first, end, report::observe));
    } catch (KafkaException e) {
      throw reader.failure(e);
    } finally {
      reader.close();
    }
    TenureReport.Result result = report.conclude(first, end, term);
    PrintWriter out = spec.commandLine().getOut();
    out.print(json ? json(result) + System.lineSeparator() : text(result));
    out.flush();
    return 0;
  }

  private void validate() {
    CommandLine cl = spec.commandLine();
    target.validate(cl);
    if (writer.isBlank()) {
      throw new CommandLine.ParameterException(cl, "--as-writer must not be blank");
    }
    if (term != null && term <= 0) {
      throw new CommandLine.ParameterException(cl, "--term must be > 0, got " + term);
    }
    if (fromOffset != null && fromOffset < 0) {
      throw new CommandLine.ParameterException(cl, "--from-offset must be >= 0, got " + fromOffset);
    }
  }

  /**
   * The rules log every unclean tenure and undecodable record at WARN, which a server needs; here
   * the report says the same, so those lines show only with {@code -v}.
   */
  private static void withRuleWarningsMuted(Runnable body) {
    if (HandoffCli.verbosity() > 0) {
      body.run();
      return;
    }
    Logger tracker = (Logger) LoggerFactory.getLogger(TenureTracker.class);
    Logger records = (Logger) LoggerFactory.getLogger(StampRecords.class);
    Level trackerLevel = tracker.getLevel();
    Level recordsLevel = records.getLevel();
    tracker.setLevel(Level.ERROR);
    records.setLevel(Level.ERROR);
    try {
      body.run();
    } finally {
      tracker.setLevel(trackerLevel);
      records.setLevel(recordsLevel);
    }
  }

  // ------------------------------------------------------------------------------------ output

  /** The verdict, the records responsible and the tenures, as aligned text. */
  static String text(TenureReport.Result r) {
    HandoverExplanation x = r.explanation();
    StringBuilder sb = new StringBuilder(1024);
    sb.append(x.describe()).append('\n');
    sb.append("Reason: ").append(x.reason()).append('\n');
    sb.append("New leader: ")
        .append(cell(r.writer()))
        .append(", term ")
        .append(r.term())
        .append(
            !r.termDefaulted()
                ? ""
                : r.highestTermRead() > 0
                    ? " (one above " + r.highestTermRead() + ", the highest term read)"
                    : " (no term read)")
        .append(", declaration assumed at offset ")
        .append(r.endOffset())
        .append('\n');

    sb.append("\nRecords responsible:\n");
    List<String[]> evidence = new ArrayList<>();
    for (TenureReport.Evidence e : r.responsible()) {
      evidence.add(
          new String[] {
            Long.toString(e.offset()),
            e.kind(),
            e.writer() == null ? "-" : cell(e.writer()),
            Long.toString(e.term()),
            e.role()
          });
    }
    table(
        sb,
        new String[] {"OFFSET", "KIND", "WRITER", "TERM", "ROLE"},
        new boolean[] {true, false, false, true, false},
        evidence);

    String where = r.topic() + "-" + r.partition();
    if (r.recordsRead() == 0) {
      sb.append("\nTenures read from ")
          .append(where)
          .append(": none (no records from offset ")
          .append(r.fromOffset())
          .append(" to the end offset ")
          .append(r.endOffset())
          .append(")\n");
      return sb.toString();
    }
    sb.append("\nTenures read from ")
        .append(where)
        .append(", offsets ")
        .append(r.fromOffset())
        .append(" to ")
        .append(r.endOffset() - 1)
        .append(" (")
        .append(r.recordsRead())
        .append(r.recordsRead() == 1 ? " record" : " records")
        .append("):\n");
    List<String[]> rows = new ArrayList<>();
    for (TenureReport.Tenure t : r.tenures()) {
      boolean unseen = t.firstOffset() < 0;
      rows.add(
          new String[] {
            unseen ? "?" : cell(t.writer()),
            unseen ? "?" : Long.toString(t.term()),
            unseen ? "?" : Long.toString(t.firstOffset()),
            Long.toString(t.lastOffset()),
            clean(t),
            t.stamped() ? "yes: offset " + t.stampOffset() : "no"
          });
    }
    table(
        sb,
        new String[] {"WRITER", "TERM", "FIRST", "LAST", "CLEAN", "STAMPED"},
        new boolean[] {false, true, true, true, false, false},
        rows);
    return sb.toString();
  }

  private static String clean(TenureReport.Tenure t) {
    if (t.clean()) {
      return "yes";
    }
    TenureReport.Culprit c = t.culprit();
    if (c == null) {
      return "no: began before the first record read";
    }
    String who =
        InspectRecordKind.UNDECODABLE.equals(c.kind())
            ? "undecodable"
            : c.writer() == null ? "no writer id" : cell(c.writer());
    return "no: offset "
        + c.offset()
        + " ("
        + who
        + (c.afterStamp() ? ", after its stamp" : "")
        + ")";
  }

  /** A writer id as a table cell: on one line, and visible when empty. */
  private static String cell(String writerId) {
    return writerId == null
        ? "-"
        : writerId.isEmpty() ? "\"\"" : InspectRecordKind.oneLine(writerId);
  }

  /** Aligned columns, indented by two, the last one not padded. */
  private static void table(
      StringBuilder sb, String[] header, boolean[] right, List<String[]> rows) {
    int[] widths = new int[header.length];
    for (int i = 0; i < header.length; i++) {
      widths[i] = header[i].length();
      for (String[] row : rows) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    List<String[]> lines = new ArrayList<>(rows.size() + 1);
    lines.add(header);
    lines.addAll(rows);
    for (String[] cells : lines) {
      StringBuilder line = new StringBuilder("  ");
      for (int i = 0; i < cells.length; i++) {
        int pad = widths[i] - cells[i].length();
        if (right[i]) {
          line.append(" ".repeat(pad)).append(cells[i]);
        } else {
          line.append(cells[i]).append(i == cells.length - 1 ? "" : " ".repeat(pad));
        }
        if (i < cells.length - 1) {
          line.append("  ");
        }
      }
      sb.append(line).append('\n');
    }
  }

  /** The same as {@link #text}, as one JSON object on one line. */
  static String json(TenureReport.Result r) {
    HandoverExplanation x = r.explanation();
    ObjectNode j = Json.object();
    j.put("topic", r.topic());
    j.put("partition", r.partition());
    j.put("fromOffset", r.fromOffset());
    j.put("endOffset", r.endOffset());
    j.put("recordsRead", r.recordsRead());
    j.put("highestTermRead", r.highestTermRead());
    ObjectNode leader = j.putObject("newLeader");
    leader.put("writer", r.writer());
    leader.put("term", r.term());
    leader.put("termDefaulted", r.termDefaulted());
    leader.put("declarationOffset", r.endOffset());
    j.put("mayCut", x.mayCut());
    j.put("reason", x.reason().name());
    j.put("description", x.describe());
    if (x.culprit() == null) {
      j.putNull("culprit");
    } else {
      HandoverExplanation.Record c = x.culprit();
      ObjectNode culprit = j.putObject("culprit");
      culprit.put("offset", c.offset());
      culprit.put("kind", kindOfCulprit(r, c.offset()));
      culprit.put("writer", c.writerId());
      culprit.put("term", c.term());
    }
    ArrayNode responsible = j.putArray("responsible");
    for (TenureReport.Evidence e : r.responsible()) {
      ObjectNode o = responsible.addObject();
      o.put("offset", e.offset());
      o.put("kind", e.kind());
      o.put("writer", e.writer());
      o.put("term", e.term());
      o.put("role", e.role());
    }
    ArrayNode tenures = j.putArray("tenures");
    for (TenureReport.Tenure t : r.tenures()) {
      boolean unseen = t.firstOffset() < 0;
      ObjectNode o = tenures.addObject();
      o.put("writer", t.writer());
      o.put("term", unseen ? null : t.term());
      o.put("firstOffset", unseen ? null : t.firstOffset());
      o.put("lastOffset", t.lastOffset());
      o.put("clean", t.clean());
      TenureReport.Culprit c = t.culprit();
      if (c == null) {
        o.putNull("culprit");
      } else {
        ObjectNode culprit = o.putObject("culprit");
        culprit.put("offset", c.offset());
        culprit.put("kind", c.kind());
        culprit.put("writer", c.writer());
        culprit.put("term", c.term());
        culprit.put("afterStamp", c.afterStamp());
      }
      o.put("stamped", t.stamped());
      o.put("stampOffset", t.stamped() ? t.stampOffset() : null);
    }
    return Json.line(j);
  }

  /**
   * The kind of the record at {@code offset} when it made a tenure read here unclean, else null.
   */
  private static String kindOfCulprit(TenureReport.Result r, long offset) {
    return r.tenures().stream()
        .map(TenureReport.Tenure::culprit)
        .filter(c -> c != null && c.offset() == offset)
        .map(TenureReport.Culprit::kind)
        .findFirst()
        .orElse(null);
  }
}
