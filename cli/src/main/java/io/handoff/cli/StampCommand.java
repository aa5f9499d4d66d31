package io.handoff.cli;

import io.handoff.stamp.DecodedEnvelope;
import io.handoff.stamp.StampCodec;
import io.handoff.stamp.StampCodecException;
import io.handoff.stamp.StampKind;
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
      StampCodec codec = new StampCodec();
      byte[] key = codec.key(StampKind.STEP_DOWN);
      byte[] value = codec.encodeStamp(StampKind.STEP_DOWN, term, clusterId, writerId, ts);
      PrintWriter out = spec.commandLine().getOut();
      out.println("key: " + HexArgs.format(key));
      out.println("value: " + HexArgs.format(value));
      out.println("vtp: " + HexArgs.format(codec.vtpHeaderValue()));
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
      DecodedEnvelope e;
      try {
        e = new StampCodec().decode(value);
      } catch (StampCodecException ex) {
        throw new CliException(
            "Cannot decode --value ("
                + ex.reason()
                + "): "
                + InspectRecordKind.oneLine(ex.getMessage()),
            ex);
      }
      PrintWriter out = spec.commandLine().getOut();
      line(out, "kind", InspectRecordKind.kindOf(key, e));
      line(
          out,
          "messageType",
          e.messageType() + " (" + InspectRecordKind.messageTypeName(e.messageType()) + ")");
      line(out, "producerGuid", HexArgs.format(e.producerGuid()));
      line(out, "segmentNumber", e.segmentNumber());
      line(out, "messageSequenceNumber", e.messageSequenceNumber());
      line(
          out,
          "messageTimestamp",
          e.messageTimestamp() + " (" + InspectCommand.formatTimestamp(e.messageTimestamp()) + ")");
      line(out, "logicalTimestamp", e.logicalTimestamp());
      line(out, "payload", InspectRecordKind.payloadBranchName(e.payloadUnionBranch()));
      if (e.isPut()) {
        line(out, "schemaId", e.schemaId());
        line(out, "putValue", hex(e.value()));
        line(out, "replicationMetadataVersionId", e.replicationMetadataVersionId());
        line(out, "replicationMetadataPayload", hex(e.replicationMetadataPayload()));
      } else if (e.isUpdate()) {
        line(out, "schemaId", e.schemaId());
        line(out, "updateSchemaId", e.updateSchemaId());
        line(out, "updateValue", hex(e.value()));
      } else if (e.isDelete()) {
        line(out, "schemaId", e.schemaId());
        line(out, "replicationMetadataVersionId", e.replicationMetadataVersionId());
        line(out, "replicationMetadataPayload", hex(e.replicationMetadataPayload()));
      } else {
        line(
            out,
            "controlMessageType",
            e.controlMessageType()
                + " ("
                + InspectRecordKind.controlTypeName(e.controlMessageType())
                + ")");
        line(
            out,
            "controlMessageUnion",
            InspectRecordKind.controlTypeName(e.controlMessageUnionBranch()));
        line(out, "debugInfo", InspectRecordKind.oneLine(e.debugInfo().toString()));
        if (e.controlMessageUnionBranch() == StampCodec.CONTROL_START_OF_SEGMENT) {
          line(
              out,
              "checksumType",
              e.checksumType() + " (" + InspectRecordKind.checksumTypeName(e.checksumType()) + ")");
          line(
              out,
              "upcomingAggregates",
              InspectRecordKind.oneLine(e.upcomingAggregates().toString()));
        }
      }
      if (e.hasLeaderMetadataFooter()) {
        line(out, "leaderMetadataFooter", "LeaderMetadata");
        line(out, "hostName", InspectRecordKind.oneLine(e.hostName()));
        line(out, "upstreamOffset", e.upstreamOffset());
        line(out, "upstreamKafkaClusterId", e.upstreamKafkaClusterId());
        line(out, "upstreamPubSubPosition", hex(e.upstreamPubSubPosition()));
        line(out, "termId", e.termId());
        line(out, "upstreamMessageTimestamp", e.upstreamMessageTimestamp());
      } else {
        line(out, "leaderMetadataFooter", "null");
      }
      out.flush();
      return 0;
    }

    private static String hex(byte[] bytes) {
      return bytes == null || bytes.length == 0 ? "(empty)" : HexArgs.format(bytes);
    }

    private static void line(PrintWriter out, String name, Object value) {
      out.println(name + ": " + value);
    }
  }
}
