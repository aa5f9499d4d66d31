package io.handoff.it;

import static io.handoff.testsupport.ThreadLeakCheck.assertNoNewProducerThread;
import static io.handoff.testsupport.ThreadLeakCheck.producerThreads;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.fail;

import ch.qos.logback.classic.Level;
import io.handoff.spi.CountingHandoffMetrics;
import io.handoff.spi.EmitOutcome;
import io.handoff.spi.EmitStatus;
import io.handoff.spi.HandoffConfigException;
import io.handoff.spi.HandoffEngine;
import io.handoff.spi.HandoffObserverFactory;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.HostResources;
import io.handoff.spi.LeadershipHandoffEmitter;
import io.handoff.spi.LeadershipHandoffObserver;
import io.handoff.spi.LeadershipHandoffs;
import io.handoff.spi.StepDown;
import io.handoff.spi.WriteBarrier;
import io.handoff.stamp.KafkaStampEmitter;
import io.handoff.stamp.StampObserver;
import io.handoff.testsupport.LogCapture;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

/**
 * Bad configurations, started the way a server starts: {@link
 * LeadershipHandoffs#emitter(Properties, io.handoff.spi.HandoffMetrics, HostResources)} with what
 * the host lends, then {@link LeadershipHandoffs#observers(Properties,
 * io.handoff.spi.HandoffMetrics)} from the same properties, and an observer opened from that
 * factory for a version topic. Unless a row says otherwise the host lends the always-complete write
 * barrier (these tests write no data), so the stamp emitter builds a producer of its own from the
 * Kafka properties, which the rows check. Each row names the documented outcome: an exception with
 * its exact message (or the fragments that name the culprit key and value), or the valid result the
 * documentation promises. Whatever the outcome, no producer I/O thread may be left behind.
 *
 * <p>No broker is needed: emitters create their producer lazily, so the bootstrap address {@value
 * #NOWHERE} is never contacted, and the rows that emit select the no-op emitter.
 *
 * <p>Every row's observed outcome is written to {@code target/it-observed/BadConfigurationIT.md}.
 */
public class BadConfigurationIT {

  private static final String OBSERVED = "BadConfigurationIT";

  private static final String EMIT = HandoffSettings.EMIT_STEPDOWN_STAMP;
  private static final String CONSUME = HandoffSettings.CONSUME_STEPDOWN_STAMP;
  private static final String TIMEOUT = HandoffSettings.ACK_TIMEOUT_MS;
  private static final String STRATEGY = HandoffSettings.STRATEGY;
  private static final String KAFKA = HandoffSettings.KAFKA_PREFIX;
  private static final String BOOTSTRAP = KAFKA + "bootstrap.servers";

  /**
   * A bootstrap address nothing listens on; never contacted, because no row here sends a stamp
   * through Kafka.
   */
  private static final String NOWHERE = "127.0.0.1:9";

  private static final String NL = System.lineSeparator();

  /** The version topic every started server opens its observer for, and the server's writer id. */
  private static final String VERSION_TOPIC = "vt_bad_config";

  private static final String WRITER_ID = "host-under-test";

  /** What a server start produced. */
  static final class Started {
    LeadershipHandoffEmitter emitter;
    HandoffObserverFactory observers;
    LeadershipHandoffObserver observer;
    RuntimeException failure;
    String failedIn;
    List<String> warnings = List.of();
    EmitOutcome emitted;
  }

  /** The documented outcome of one row. */
  static final class Expect {
    final String documented;
    final Class<? extends Throwable> type;
    final String exactMessage;
    final List<String> fragments;
    final Consumer<Started> check;

    /**
     * The part of the start that must fail ("emitter", "observer factory", "observer"), or null for
     * any.
     */
    final String failingPart;

    private Expect(
        String documented,
        Class<? extends Throwable> type,
        String exactMessage,
        List<String> fragments,
        Consumer<Started> check,
        String failingPart) {
      this.documented = documented;
      this.type = type;
      this.exactMessage = exactMessage;
      this.fragments = fragments;
      this.check = check;
      this.failingPart = failingPart;
    }

    private Expect(
        String documented,
        Class<? extends Throwable> type,
        String exactMessage,
        List<String> fragments,
        Consumer<Started> check) {
      this(documented, type, exactMessage, fragments, check, null);
    }

    /** The same failure, from the creation of {@code part} of the start. */
    Expect from(String part) {
      return new Expect(
          documented + ", when creating the " + part, type, exactMessage, fragments, check, part);
    }

    /** Start fails with {@code type} and exactly {@code message}. */
    static Expect fails(Class<? extends Throwable> type, String message) {
      return new Expect(type.getSimpleName() + ": " + message, type, message, List.of(), null);
    }

    /** Start fails with {@code type} and a message holding every fragment (key, value). */
    static Expect failsNaming(Class<? extends Throwable> type, String... fragments) {
      return new Expect(
          type.getSimpleName() + " naming " + String.join(", ", fragments),
          type,
          null,
          List.of(fragments),
          null);
    }

    /** Start succeeds and {@code check} holds. */
    static Expect valid(String documented, Consumer<Started> check) {
      return new Expect(documented, null, null, List.of(), check);
    }

    void verify(Started s) {
      if (type == null) {
        if (s.failure != null) {
          throw new AssertionError(
              "expected a valid start ("
                  + documented
                  + ") but "
                  + s.failedIn
                  + " creation failed: "
                  + s.failure,
              s.failure);
        }
        check.accept(s);
        return;
      }
      if (s.failure == null) {
        fail(
            "expected "
                + documented
                + " but the start succeeded: emitter "
                + s.emitter
                + ", observer "
                + s.observer
                + ", warnings "
                + s.warnings);
      }
      if (!type.isInstance(s.failure)) {
        throw new AssertionError("expected " + type.getName() + " but got " + s.failure, s.failure);
      }
      if (failingPart != null) {
        assertEquals(s.failedIn, failingPart, "the part of the start that failed");
      }
      if (exactMessage != null) {
        assertEquals(s.failure.getMessage(), exactMessage, "exception message");
      }
      for (String f : fragments) {
        assertTrue(
            s.failure.getMessage().contains(f),
            "message should name '" + f + "': " + s.failure.getMessage());
      }
    }

    @Override
    public String toString() {
      return documented;
    }
  }

  @BeforeClass
  public void header() {
    ItSupport.startObserved(
        OBSERVED,
        "| # | case | properties | host lends | documented outcome | observed outcome |"
            + NL
            + "|---|---|---|---|---|---|");
  }

  private static Properties props(String... keyValues) {
    Properties p = new Properties();
    for (int i = 0; i < keyValues.length; i += 2) {
      p.setProperty(keyValues[i], keyValues[i + 1]);
    }
    return p;
  }

  private static String invalidBoolean(String value, String key) {
    return "Invalid value '" + value + "' for configuration " + key + ": must be true or false";
  }

  private static String invalidTimeout(String value) {
    return "Invalid value '"
        + value
        + "' for configuration "
        + TIMEOUT
        + ": must be a whole number between 0 and "
        + HandoffSettings.MAX_ACK_TIMEOUT_MS;
  }

  private static String unknownKey(String key, String suggestion) {
    return "Unknown configuration " + key + " is ignored; did you mean " + suggestion + "?";
  }

  // ------------------------------------------------------------------------------- valid checks

  private static Consumer<Started> noopBoth() {
    return s -> {
      assertNoop(s.emitter, s.observer);
      emitOnce(s);
      assertEquals(s.emitted.status(), EmitStatus.SKIPPED_DISABLED, s.emitted.toString());
    };
  }

  private static void assertNoop(
      LeadershipHandoffEmitter emitter, LeadershipHandoffObserver observer) {
    assertEquals(
        HandoffEngine.strategyOf(emitter).getClass().getName(),
        "io.handoff.noop.NoopEmitter",
        "the no-op emitter");
    assertEquals(
        HandoffEngine.evidenceOf(observer).getClass().getName(),
        "io.handoff.spi.LegacyWaitObserver",
        "the no-op observer");
    assertEquals(
        observer.versionTopic(), VERSION_TOPIC, "the observer follows the topic it was opened for");
    assertEquals(
        observer.localWriterId(),
        WRITER_ID,
        "the observer decides for the writer it was opened for");
  }

  private static void emitOnce(Started s) {
    s.emitted = s.emitter.emitStepDown(StepDown.established(VERSION_TOPIC, 0, 5, 0, WRITER_ID));
  }

  private static Consumer<Started> stampEmitter(long ackTimeoutMs) {
    return s -> {
      assertTrue(
          HandoffEngine.strategyOf(s.emitter) instanceof KafkaStampEmitter,
          String.valueOf(s.emitter));
      assertEquals(
          ((KafkaStampEmitter) HandoffEngine.strategyOf(s.emitter)).ackTimeoutMs(),
          ackTimeoutMs,
          "ack timeout in force");
    };
  }

  /** The stamp emitter sends on a producer of its own, after the host's barrier. */
  private static Consumer<Started> onItsOwnProducer() {
    return s ->
        assertTrue(
            ((KafkaStampEmitter) HandoffEngine.strategyOf(s.emitter)).deliveryBound().isPresent(),
            "stamps on a producer of its own, whose delivery bound it knows: " + s.emitter);
  }

  /** The stamp emitter sends on the producer the host lent. */
  private static Consumer<Started> onTheHostsProducer() {
    return s ->
        assertTrue(
            ((KafkaStampEmitter) HandoffEngine.strategyOf(s.emitter)).deliveryBound().isEmpty(),
            "stamps on the host's producer, whose delivery timeout decides: " + s.emitter);
  }

  private static Consumer<Started> warned(String warning) {
    return s ->
        assertTrue(
            s.warnings.contains(warning),
            "expected the WARN '" + warning + "' among " + s.warnings);
  }

  private static Consumer<Started> typo(String key, String suggestion) {
    return noopBoth().andThen(warned(unknownKey(key, suggestion)));
  }

  /**
   * A host's data producer for rows that only create the emitter: a mock, so that nothing connects
   * and no I/O thread starts, which the row's thread check would count.
   */
  private static Producer<byte[], byte[]> unconnectedProducer() {
    return new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
  }

  @SafeVarargs
  private static Consumer<Started> all(Consumer<Started>... checks) {
    Consumer<Started> c = s -> {};
    for (Consumer<Started> check : checks) {
      c = c.andThen(check);
    }
    return c;
  }

  // ---------------------------------------------------------------------------------- the table

  @DataProvider(name = "rows")
  public Object[][] rows() {
    List<Object[]> rows = new ArrayList<>();
    // --- wrong types for the booleans
    for (String bad : List.of("abc", "yes", "1", "on", "1e3", "", "   ")) {
      rows.add(
          row(
              "emit switch '" + bad + "'",
              props(EMIT, bad),
              Expect.fails(HandoffConfigException.class, invalidBoolean(bad, EMIT))));
    }
    for (String bad : List.of("abc", "yes", "0", "", "   ", "truee")) {
      rows.add(
          row(
              "consume switch '" + bad + "'",
              props(CONSUME, bad),
              Expect.fails(HandoffConfigException.class, invalidBoolean(bad, CONSUME))));
    }
    // --- wrong types for the ack timeout
    for (String bad :
        List.of(
            "abc",
            "yes",
            "1e3",
            "1.5",
            "",
            "   ",
            "99999999999999999999",
            "-99999999999999999999",
            "0x10",
            "1000ms")) {
      rows.add(
          row(
              "ack timeout '" + bad + "'",
              props(EMIT, "true", BOOTSTRAP, NOWHERE, TIMEOUT, bad),
              Expect.fails(HandoffConfigException.class, invalidTimeout(bad))));
    }
    Properties doubleTimeout = props(EMIT, "true", BOOTSTRAP, NOWHERE);
    doubleTimeout.put(TIMEOUT, 2.5d); // a non-string value put into Properties by code
    rows.add(
        row(
            "ack timeout as a Double object 2.5",
            doubleTimeout,
            Expect.fails(HandoffConfigException.class, invalidTimeout("2.5"))));
    // --- whitespace and case around valid values: accepted
    rows.add(
        row(
            "whitespace around valid values",
            props(
                EMIT,
                " true ",
                CONSUME,
                "\tfalse ",
                TIMEOUT,
                " 2500 ",
                STRATEGY,
                " stamp ",
                BOOTSTRAP,
                NOWHERE),
            Expect.valid(
                "accepted, trimmed: stamp emitter, ack timeout 2500, no-op observer",
                all(
                    stampEmitter(2500),
                    s ->
                        assertEquals(
                            HandoffEngine.evidenceOf(s.observer).getClass().getName(),
                            "io.handoff.spi.LegacyWaitObserver",
                            "consume is off")))));
    rows.add(
        row(
            "upper-case booleans",
            props(EMIT, "TRUE", CONSUME, "True", BOOTSTRAP, NOWHERE),
            Expect.valid(
                "accepted: stamp emitter and stamp observer",
                all(
                    stampEmitter(1000),
                    s ->
                        assertTrue(
                            HandoffEngine.evidenceOf(s.observer) instanceof StampObserver,
                            String.valueOf(s.observer))))));
    // --- ack timeout range
    // Out of range on either side fails the same way: no silent clamping.
    for (String negative : List.of("-5", Long.toString(Long.MIN_VALUE))) {
      rows.add(
          row(
              "ack timeout " + negative,
              props(EMIT, "true", BOOTSTRAP, NOWHERE, TIMEOUT, negative),
              Expect.fails(
                  HandoffConfigException.class,
                  "Invalid value '"
                      + negative
                      + "' for configuration "
                      + TIMEOUT
                      + ": must be at least 0")));
    }
    rows.add(
        row(
            "ack timeout 0",
            props(EMIT, "true", BOOTSTRAP, NOWHERE, TIMEOUT, "0"),
            Expect.valid("accepted: send, do not wait", stampEmitter(0))));
    rows.add(
        row(
            "ack timeout at the maximum",
            props(EMIT, "true", BOOTSTRAP, NOWHERE, TIMEOUT, "300000"),
            Expect.valid("accepted", stampEmitter(300_000))));
    rows.add(
        row(
            "ack timeout above the maximum",
            props(EMIT, "true", BOOTSTRAP, NOWHERE, TIMEOUT, "300001"),
            Expect.fails(
                HandoffConfigException.class,
                "Invalid value '300001' for configuration "
                    + TIMEOUT
                    + ": must be at most 300000")));
    rows.add(
        row(
            "ack timeout Long.MAX_VALUE",
            props(TIMEOUT, Long.toString(Long.MAX_VALUE)),
            Expect.fails(
                HandoffConfigException.class,
                "Invalid value '"
                    + Long.MAX_VALUE
                    + "' for configuration "
                    + TIMEOUT
                    + ": must be at most 300000")));
    // --- strategy names
    rows.add(
        row(
            "empty strategy",
            props(EMIT, "true", BOOTSTRAP, NOWHERE, STRATEGY, ""),
            Expect.fails(
                HandoffConfigException.class,
                "Invalid value '' for configuration "
                    + STRATEGY
                    + ": must name a provider, such as 'noop' or 'stamp'")));
    rows.add(
        row(
            "blank strategy",
            props(STRATEGY, "   "),
            Expect.fails(
                HandoffConfigException.class,
                "Invalid value '   ' for configuration "
                    + STRATEGY
                    + ": must name a provider, such as 'noop' or 'stamp'")));
    for (String malformed :
        List.of("Stamp", "my strategy", "1stamp", "stamp!", "io.acme.Strategy", "-stamp")) {
      rows.add(
          row(
              "malformed strategy '" + malformed + "'",
              props(EMIT, "true", BOOTSTRAP, NOWHERE, STRATEGY, malformed),
              Expect.fails(
                  HandoffConfigException.class,
                  "Invalid value '"
                      + malformed
                      + "' for configuration "
                      + STRATEGY
                      + ": must be a provider name: lower-case letters, digits, '-' or '_', starting with a letter")));
    }
    for (String reserved : List.of("kafka", "emit", "consume", "strategy")) {
      rows.add(
          row(
              "reserved strategy '" + reserved + "'",
              props(STRATEGY, reserved),
              Expect.fails(
                  HandoffConfigException.class,
                  "Invalid value '"
                      + reserved
                      + "' for configuration "
                      + STRATEGY
                      + ": must not be one of the reserved words [consume, emit, kafka, strategy]")));
    }
    String unknownAcme = "Unknown strategy 'acme' for " + STRATEGY + ". Available: [noop, stamp]";
    rows.add(
        row(
            "unknown strategy, emit on",
            props(EMIT, "true", BOOTSTRAP, NOWHERE, STRATEGY, "acme"),
            Expect.fails(HandoffConfigException.class, unknownAcme)));
    rows.add(
        row(
            "unknown strategy, consume on",
            props(CONSUME, "true", STRATEGY, "acme"),
            Expect.fails(HandoffConfigException.class, unknownAcme)));
    rows.add(
        row(
            "unknown strategy, both switches off",
            props(EMIT, "false", CONSUME, "false", STRATEGY, "acme"),
            Expect.fails(HandoffConfigException.class, unknownAcme)));
    // --- typos of each key: a WARN with a suggestion, the switch stays at its default
    rows.add(
        row(
            "typo of the emit key",
            props("server.leader.handover.emit.stepdown.stamps", "true", BOOTSTRAP, NOWHERE),
            Expect.valid(
                "unknown key warned with suggestion; no-op selected",
                typo("server.leader.handover.emit.stepdown.stamps", EMIT))));
    rows.add(
        row(
            "typo of the consume key",
            props("server.leader.handover.consume.stepdown.stmp", "true"),
            Expect.valid(
                "unknown key warned with suggestion; no-op selected",
                typo("server.leader.handover.consume.stepdown.stmp", CONSUME))));
    rows.add(
        row(
            "typo of the ack timeout key",
            props("server.leader.handover.emit.stepdown.stamp.ack.timeout", "500"),
            Expect.valid(
                "unknown key warned with suggestion; default timeout",
                typo("server.leader.handover.emit.stepdown.stamp.ack.timeout", TIMEOUT))));
    rows.add(
        row(
            "typo of the strategy key",
            props("server.leader.handover.stratgey", "noop"),
            Expect.valid(
                "unknown key warned with suggestion; no-op selected",
                typo("server.leader.handover.stratgey", STRATEGY))));
    rows.add(
        row(
            "typo of the Kafka prefix",
            props("server.leader.handover.kafak.bootstrap.servers", NOWHERE),
            Expect.valid(
                "unknown key warned with suggestion; no-op selected",
                typo(
                    "server.leader.handover.kafak.bootstrap.servers",
                    KAFKA + "<producer property>"))));
    rows.add(
        row(
            "typo of bootstrap.servers under the prefix, emit on",
            props(EMIT, "true", KAFKA + "bootstrap.server", NOWHERE),
            Expect.fails(
                IllegalArgumentException.class,
                "Missing configuration "
                    + BOOTSTRAP
                    + ": the stamp producer needs the brokers of the version topics")));
    // --- the Kafka prefix and producer settings
    rows.add(
        row(
            "Kafka prefix with nothing after it",
            props(KAFKA, "x"),
            Expect.fails(
                HandoffConfigException.class,
                "Invalid configuration "
                    + KAFKA
                    + ": a Kafka client property name must follow the prefix")));
    rows.add(
        row(
            "emit on without bootstrap.servers",
            props(EMIT, "true"),
            Expect.fails(
                IllegalArgumentException.class,
                "Missing configuration "
                    + BOOTSTRAP
                    + ": the stamp producer needs the brokers of the version topics")));
    rows.add(
        row(
            "emit on with blank bootstrap.servers",
            props(EMIT, "true", BOOTSTRAP, "  "),
            Expect.fails(
                IllegalArgumentException.class,
                "Missing configuration "
                    + BOOTSTRAP
                    + ": the stamp producer needs the brokers of the version topics")));
    rows.add(
        row(
            "batch.size=lots",
            props(EMIT, "true", BOOTSTRAP, NOWHERE, KAFKA + "batch.size", "lots"),
            Expect.failsNaming(IllegalArgumentException.class, KAFKA, "batch.size", "lots")));
    rows.add(
        row(
            "max.in.flight.requests.per.connection=0",
            props(
                EMIT,
                "true",
                BOOTSTRAP,
                NOWHERE,
                KAFKA + "max.in.flight.requests.per.connection",
                "0"),
            Expect.failsNaming(
                IllegalArgumentException.class,
                KAFKA,
                "max.in.flight.requests.per.connection",
                "0")));
    rows.add(
        row(
            "security.protocol=SASL_PLAINTEXTT",
            props(EMIT, "true", BOOTSTRAP, NOWHERE, KAFKA + "security.protocol", "SASL_PLAINTEXTT"),
            Expect.failsNaming(
                IllegalArgumentException.class, KAFKA, "security.protocol", "SASL_PLAINTEXTT")));
    rows.add(
        row(
            "compression.type=zip",
            props(EMIT, "true", BOOTSTRAP, NOWHERE, KAFKA + "compression.type", "zip"),
            Expect.failsNaming(IllegalArgumentException.class, KAFKA, "compression.type", "zip")));
    rows.add(
        row(
            "max.in.flight.requests.per.connection=6 (with the forced idempotence)",
            props(
                EMIT,
                "true",
                BOOTSTRAP,
                NOWHERE,
                KAFKA + "max.in.flight.requests.per.connection",
                "6"),
            Expect.fails(
                HandoffConfigException.class,
                "Invalid value '6' for configuration "
                    + KAFKA
                    + "max.in.flight.requests.per.connection: must be at most 5")));
    rows.add(
        row(
            "retries=0 (with the forced idempotence)",
            props(EMIT, "true", BOOTSTRAP, NOWHERE, KAFKA + "retries", "0"),
            Expect.fails(
                HandoffConfigException.class,
                "Invalid value '0' for configuration " + KAFKA + "retries: must be at least 1")));
    rows.add(
        row(
            "bootstrap.servers without a port",
            props(EMIT, "true", BOOTSTRAP, "localhost"),
            Expect.failsNaming(IllegalArgumentException.class, "bootstrap.servers", "localhost")));
    rows.add(
        row(
            "acks=0 (forced setting)",
            props(EMIT, "true", BOOTSTRAP, NOWHERE, KAFKA + "acks", "0"),
            Expect.valid(
                "accepted; overridden with acks=all and a WARN",
                all(
                    stampEmitter(1000),
                    warned(
                        "Configuration "
                            + KAFKA
                            + "acks=0 is overridden with all: the stamp emitter depends on it")))));
    rows.add(
        row(
            "linger.ms=abc (forced setting)",
            props(EMIT, "true", BOOTSTRAP, NOWHERE, KAFKA + "linger.ms", "abc"),
            Expect.fails(
                HandoffConfigException.class,
                "Invalid value 'abc' for configuration "
                    + KAFKA
                    + "linger.ms: Not a number of type LONG")));
    rows.add(
        row(
            "a bad timeout, a bad acks and an unknown strategy at once",
            props(
                EMIT,
                "true",
                BOOTSTRAP,
                NOWHERE,
                TIMEOUT,
                "-1",
                KAFKA + "acks",
                "banana",
                STRATEGY,
                "acme"),
            Expect.fails(
                HandoffConfigException.class,
                "Invalid handoff configuration (3 errors):"
                    + NL
                    + "  Invalid value '-1' for configuration "
                    + TIMEOUT
                    + ": must be at least 0"
                    + NL
                    + "  "
                    + unknownAcme
                    + NL
                    + "  Invalid value 'banana' for configuration "
                    + KAFKA
                    + "acks: String must be one of: all, -1, 0, 1")));
    rows.add(
        row(
            "Kafka settings checked while emitting is still off",
            props(CONSUME, "true", KAFKA + "compression.type", "zip", KAFKA + "retries", "0"),
            Expect.fails(
                HandoffConfigException.class,
                "Invalid handoff configuration (2 errors):"
                    + NL
                    + "  Invalid value '0' for configuration "
                    + KAFKA
                    + "retries: must be at least 1"
                    + NL
                    + "  Invalid value 'zip' for configuration "
                    + KAFKA
                    + "compression.type: String must be one of: none, gzip, snappy, lz4, zstd")));
    // --- conflicting switches
    rows.add(
        row(
            "emit on with strategy noop",
            props(EMIT, "true", STRATEGY, "noop", BOOTSTRAP, NOWHERE),
            Expect.valid(
                "the noop emitter: nothing written (SKIPPED_DISABLED), no producer", noopBoth())));
    rows.add(
        row(
            "emit on with strategy noop, no bootstrap.servers",
            props(EMIT, "true", STRATEGY, "noop"),
            Expect.valid(
                "the noop emitter: nothing written (SKIPPED_DISABLED), no producer", noopBoth())));
    rows.add(
        row(
            "consume on with strategy noop",
            props(CONSUME, "true", STRATEGY, "noop"),
            Expect.valid(
                "the noop observer: never cuts the wait",
                all(
                    noopBoth(),
                    s ->
                        assertFalse(
                            s.observer.canSkipInactivityWait(0, 5),
                            "the no-op observer never cuts the wait")))));
    rows.add(
        row(
            "bootstrap.servers given, both switches off",
            props(BOOTSTRAP, NOWHERE),
            Expect.valid("no-op selected, no producer", noopBoth())));
    rows.add(
        row(
            "no properties at all",
            props(),
            Expect.valid("no-op selected, no producer", noopBoth())));
    // --- what the host lends: the stamp emitter must be able to order its stamps after the
    // leader's records
    String lendProducer = "HostResources.of(Producer.class, producer)";
    String lendBarrier = "HostResources.of(WriteBarrier.class, barrier)";
    rows.add(
        row(
            "stamp emitter on, the host lends nothing",
            props(EMIT, "true", BOOTSTRAP, NOWHERE),
            HostResources.none(),
            Expect.failsNaming(IllegalArgumentException.class, lendProducer, lendBarrier)
                .from("emitter")));
    rows.add(
        row(
            "stamp emitter on, the host lends nothing, no bootstrap.servers",
            props(EMIT, "true", CONSUME, "true"),
            HostResources.none(),
            Expect.failsNaming(IllegalArgumentException.class, lendProducer, lendBarrier)
                .from("emitter")));
    rows.add(
        row(
            "emit off, stamp observer, the host lends nothing",
            props(CONSUME, "true", BOOTSTRAP, NOWHERE),
            HostResources.none(),
            Expect.valid(
                "the noop emitter (nothing to order), the stamp observer",
                all(
                    s ->
                        assertEquals(
                            HandoffEngine.strategyOf(s.emitter).getClass().getName(),
                            "io.handoff.noop.NoopEmitter",
                            "emitting is off"),
                    s ->
                        assertTrue(
                            HandoffEngine.evidenceOf(s.observer) instanceof StampObserver,
                            String.valueOf(s.observer))))));
    rows.add(
        row(
            "emit on with strategy noop, the host lends nothing",
            props(EMIT, "true", STRATEGY, "noop"),
            HostResources.none(),
            Expect.valid("the noop emitter: it writes nothing, so it needs nothing", noopBoth())));
    rows.add(
        row(
            "stamp emitter on, the host lends its producer, no bootstrap.servers",
            props(EMIT, "true"),
            ItSupport.dataProducer(unconnectedProducer()),
            Expect.valid(
                "the stamp emitter on the host's producer: the Kafka properties of an own producer are not needed",
                all(stampEmitter(1000), onTheHostsProducer()))));
    rows.add(
        row(
            "stamp emitter on, the host lends its producer and a barrier",
            props(EMIT, "true", BOOTSTRAP, NOWHERE),
            HostResources.builder()
                .add(WriteBarrier.class, ItSupport.NO_DATA_WRITTEN)
                .add(Producer.class, unconnectedProducer())
                .build(),
            Expect.valid(
                "the stamp emitter on the host's producer, the wiring Kafka orders itself",
                all(stampEmitter(1000), onTheHostsProducer()))));
    rows.add(
        row(
            "stamp emitter on, the host lends a barrier",
            props(EMIT, "true", BOOTSTRAP, NOWHERE),
            Expect.valid(
                "the stamp emitter on its own producer, after the barrier",
                all(stampEmitter(1000), onItsOwnProducer()))));
    // --- several bad keys at once: one exception listing each
    rows.add(
        row(
            "four bad keys at once",
            props(EMIT, "abc", CONSUME, "yes", TIMEOUT, "1.5", STRATEGY, "Bad Name"),
            Expect.fails(
                HandoffConfigException.class,
                "Invalid handoff configuration (4 errors):"
                    + NL
                    + "  "
                    + invalidBoolean("abc", EMIT)
                    + NL
                    + "  "
                    + invalidBoolean("yes", CONSUME)
                    + NL
                    + "  "
                    + invalidTimeout("1.5")
                    + NL
                    + "  Invalid value 'Bad Name' for configuration "
                    + STRATEGY
                    + ": must be a provider name: lower-case letters, digits, '-' or '_', starting with a letter")));
    rows.add(
        row(
            "five bad keys at once, with the empty Kafka key and a too-large timeout",
            props(EMIT, "", CONSUME, "1", TIMEOUT, "300001", STRATEGY, "kafka", KAFKA, "x"),
            Expect.fails(
                HandoffConfigException.class,
                "Invalid handoff configuration (5 errors):"
                    + NL
                    + "  "
                    + invalidBoolean("", EMIT)
                    + NL
                    + "  "
                    + invalidBoolean("1", CONSUME)
                    + NL
                    + "  Invalid value '300001' for configuration "
                    + TIMEOUT
                    + ": must be at most 300000"
                    + NL
                    + "  Invalid value 'kafka' for configuration "
                    + STRATEGY
                    + ": must not be one of the reserved words [consume, emit, kafka, strategy]"
                    + NL
                    + "  Invalid configuration "
                    + KAFKA
                    + ": a Kafka client property name must follow the prefix")));
    return rows.toArray(new Object[0][]);
  }

  private static int rowNumber;

  /** A row of a host that writes no data and so lends the always-complete barrier. */
  private static Object[] row(String name, Properties props, Expect expect) {
    return row(name, props, ItSupport.noDataWritten(), expect);
  }

  private static Object[] row(String name, Properties props, HostResources lent, Expect expect) {
    return new Object[] {name, props, lent, expect};
  }

  /**
   * A server start: the emitter with what the host lends and the observers from the same
   * properties, then one version topic's observer.
   */
  private static Started start(
      Properties props, HostResources lent, CountingHandoffMetrics metrics) {
    Started s = new Started();
    try (LogCapture logs = LogCapture.on("io.handoff")) {
      try {
        s.failedIn = "emitter";
        s.emitter = LeadershipHandoffs.emitter(props, metrics, lent);
        s.failedIn = "observer factory";
        s.observers = LeadershipHandoffs.observers(props, metrics);
        s.failedIn = "observer";
        s.observer = s.observers.open(VERSION_TOPIC, WRITER_ID);
        s.failedIn = null;
      } catch (RuntimeException e) {
        s.failure = e;
      } finally {
        s.warnings = logs.messages(Level.WARN);
      }
    }
    return s;
  }

  @Test(dataProvider = "rows")
  public void badConfiguration(String name, Properties props, HostResources lent, Expect expect) {
    int number = ++rowNumber;
    Set<String> threadsBefore = producerThreads();
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    Started s = start(props, lent, metrics);
    String observed;
    try {
      if (s.failure != null) {
        observed =
            s.failure.getClass().getSimpleName()
                + " from the "
                + s.failedIn
                + ": "
                + s.failure.getMessage();
      } else {
        observed = describe(s);
      }
      try {
        expect.verify(s);
        if (s.failure == null) {
          observed = describe(s); // checks may have emitted
        }
      } catch (AssertionError e) {
        ItSupport.observed(
            OBSERVED,
            Integer.toString(number),
            name,
            show(props),
            show(lent),
            expect.documented,
            "**UNEXPECTED** " + observed);
        throw e;
      }
      ItSupport.observed(
          OBSERVED,
          Integer.toString(number),
          name,
          show(props),
          show(lent),
          expect.documented,
          observed);
    } finally {
      if (s.emitter != null) {
        s.emitter.close();
      }
      assertNoNewProducerThread(threadsBefore, name);
    }
  }

  private static String describe(Started s) {
    StringBuilder sb =
        new StringBuilder("started: emitter ")
            .append(s.emitter)
            .append(", observer ")
            .append(s.observer);
    if (s.emitted != null) {
      sb.append(", emit -> ").append(s.emitted.status());
    }
    if (!s.warnings.isEmpty()) {
      sb.append(", WARN ").append(s.warnings);
    }
    return sb.toString();
  }

  private static String show(Properties p) {
    List<String> kv = new ArrayList<>();
    for (String k : new java.util.TreeSet<>(p.stringPropertyNames())) {
      kv.add(shortKey(k) + "='" + p.getProperty(k) + "'");
    }
    p.forEach(
        (k, v) -> {
          if (!(v instanceof String)) {
            kv.add(
                shortKey(String.valueOf(k)) + "=" + v + " (" + v.getClass().getSimpleName() + ")");
          }
        });
    return "`" + String.join(", ", kv) + "`";
  }

  private static String show(HostResources lent) {
    return lent.toString()
        .replace("io.handoff.spi.", "")
        .replace("org.apache.kafka.clients.producer.", "");
  }

  private static String shortKey(String k) {
    return k.startsWith(HandoffSettings.PREFIX)
        ? "…" + k.substring(HandoffSettings.PREFIX.length())
        : k;
  }
}
