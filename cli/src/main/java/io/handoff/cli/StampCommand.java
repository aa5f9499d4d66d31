package io.handoff.cli;

import io.handoff.codec.ChecksumType;
import io.handoff.codec.ControlMessage;
import io.handoff.codec.ControlMessageType;
import io.handoff.codec.Delete;
import io.handoff.codec.Envelope;
import io.handoff.codec.EnvelopeCodec;
import io.handoff.codec.EnvelopeCodecException;
import io.handoff.codec.LeaderMetadata;
import io.handoff.codec.MessageType;
import io.handoff.codec.ProducerMetadata;
import io.handoff.codec.Put;
import io.handoff.codec.StartOfSegment;
import io.handoff.codec.Update;
import io.handoff.stamp.StampKind;
import io.handoff.stamp.Stamps;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code handoff stamp encode|decode}: the step-down stamp's bytes, and any record's fields, in
 * hex.
 */
@Command(
    name = "stamp",
    mixinStandardHelpOptions = true,
    versionProvider = HandoffCli.Version.class,
    description = "Encodes a step-down stamp, or decodes a version-topic record, as hex.",
    subcommands = {StampCommand.Encode.class, StampCommand.Decode.class})
final class StampCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "Missing subcommand: choose encode or decode");
  }

  /** {@code handoff stamp encode}: key, value and vtp header of one step-down stamp. */
  @Command(
      name = "encode",
      mixinStandardHelpOptions = true,
      versionProvider = HandoffCli.Version.class,
      sortOptions = false,
      description = {
        "Prints a leader step-down stamp's Kafka record key, value and 'vtp' header value as lower-case hex.",
        "One line each:",
        "  key: ...",
        "  value: ...",
        "  vtp: ...   (the UTF-8 JSON of the envelope schema, protocol version 14)"
      })
  static final class Encode implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(
        names = "--term",
        required = true,
        paramLabel = "T",
        description = "The demoting leader's term (> 0).")
    long term;

    @Option(
        names = "--cluster-id",
        required = true,
        paramLabel = "C",
        description = "The local pub-sub cluster id, written as upstreamKafkaClusterId.")
    int clusterId;

    @Option(
        names = "--writer-id",
        required = true,
        paramLabel = "W",
        description = "The demoting host's id, written as hostName.")
    String writerId;

    @Option(
        names = "--timestamp",
        paramLabel = "MS",
        description = "messageTimestamp, ms since the epoch (default: now).")
    Long timestampMs;

    @Override
    public Integer call() {
      if (term <= 0) {
        throw new CliException(
            "--term must be > 0 (the leadership term of the leader stepping down), got " + term);
      }
      if (writerId.isBlank()) {
        throw new CliException("--writer-id must not be blank");
      }
      long ts = timestampMs == null ? System.currentTimeMillis() : timestampMs;
      byte[] key = StampKind.STEP_DOWN.key();
      byte[] value = new Stamps().encode(StampKind.STEP_DOWN, term, clusterId, writerId, ts);
      PrintWriter out = spec.commandLine().getOut();
      out.println("key: " + HexArgs.format(key));
      out.println("value: " + HexArgs.format(value));
      out.println("vtp: " + HexArgs.format(EnvelopeCodec.vtpHeaderValue()));
      out.flush();
      return 0;
    }
  }

  /** {@code handoff stamp decode}: the kind and every field of one record. */
  @Command(
      name = "decode",
      mixinStandardHelpOptions = true,
      versionProvider = HandoffCli.Version.class,
      sortOptions = false,
      description = {
        "Decodes a version-topic record given as hex and prints its kind (told by the key) and every field"
            + " of its envelope (protocol version 14), one 'name: value' per line."
      })
  static final class Decode implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(
        names = "--key",
        required = true,
        paramLabel = "HEX",
        description = "The Kafka record key.")
    String keyHex;

    @Option(
        names = "--value",
        required = true,
        paramLabel = "HEX",
        description = "The Kafka record value.")
    String valueHex;

    @Override
    public Integer call() {
      byte[] key = HexArgs.parse("--key", keyHex);
      byte[] value = HexArgs.parse("--value", valueHex);
      Envelope e;
      try {
        e = EnvelopeCodec.decode(value);
      } catch (EnvelopeCodecException ex) {
        throw new CliException(
            "Cannot decode --value ("
                + ex.reason()
                + "): "
                + InspectRecordKind.oneLine(ex.getMessage()),
            ex);
      }
      PrintWriter out = spec.commandLine().getOut();
      line(out, "kind", InspectRecordKind.kindOf(key, e.summary()));
      line(out, "messageType", e.messageType() + " (" + MessageType.nameOf(e.messageType()) + ")");
      ProducerMetadata p = e.producerMetadata();
      line(out, "producerGuid", HexArgs.format(p.producerGuid()));
      line(out, "segmentNumber", p.segmentNumber());
      line(out, "messageSequenceNumber", p.messageSequenceNumber());
      line(
          out,
          "messageTimestamp",
          p.messageTimestamp() + " (" + InspectCommand.formatTimestamp(p.messageTimestamp()) + ")");
      line(out, "logicalTimestamp", p.logicalTimestamp());
      line(out, "payload", e.payload().branch().name());
      if (e.payload() instanceof Put put) {
        line(out, "schemaId", put.schemaId());
        line(out, "putValue", hex(put.putValue()));
        line(out, "replicationMetadataVersionId", put.replicationMetadataVersionId());
        line(out, "replicationMetadataPayload", hex(put.replicationMetadataPayload()));
      } else if (e.payload() instanceof Update update) {
        line(out, "schemaId", update.schemaId());
        line(out, "updateSchemaId", update.updateSchemaId());
        line(out, "updateValue", hex(update.updateValue()));
      } else if (e.payload() instanceof Delete delete) {
        line(out, "schemaId", delete.schemaId());
        line(out, "replicationMetadataVersionId", delete.replicationMetadataVersionId());
        line(out, "replicationMetadataPayload", hex(delete.replicationMetadataPayload()));
      } else {
        printControlMessage(out, (ControlMessage) e.payload());
      }
      LeaderMetadata m = e.leaderMetadata();
      if (m != null) {
        line(out, "leaderMetadataFooter", "LeaderMetadata");
        line(out, "hostName", InspectRecordKind.oneLine(m.hostName()));
        line(out, "upstreamOffset", m.upstreamOffset());
        line(out, "upstreamKafkaClusterId", m.upstreamKafkaClusterId());
        line(out, "upstreamPubSubPosition", hex(m.upstreamPubSubPosition()));
        line(out, "termId", m.termId());
        line(out, "upstreamMessageTimestamp", m.upstreamMessageTimestamp());
      } else {
        line(out, "leaderMetadataFooter", "null");
      }
      out.flush();
      return 0;
    }

    private static void printControlMessage(PrintWriter out, ControlMessage c) {
      line(
          out,
          "controlMessageType",
          c.controlMessageType() + " (" + ControlMessageType.nameOf(c.controlMessageType()) + ")");
      line(out, "controlMessageUnion", c.body().type().name());
      line(out, "debugInfo", InspectRecordKind.oneLine(c.debugInfo().toString()));
      if (c.body() instanceof StartOfSegment sos) {
        line(
            out,
            "checksumType",
            sos.checksumType() + " (" + ChecksumType.nameOf(sos.checksumType()) + ")");
        line(
            out,
            "upcomingAggregates",
            InspectRecordKind.oneLine(sos.upcomingAggregates().toString()));
      }
    }

    private static String hex(byte[] bytes) {
      return bytes == null || bytes.length == 0 ? "(empty)" : HexArgs.format(bytes);
    }

    private static void line(PrintWriter out, String name, Object value) {
      out.println(name + ": " + value);
    }
  }
}
