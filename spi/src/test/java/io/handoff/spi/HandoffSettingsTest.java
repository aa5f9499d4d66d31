package io.handoff.spi;

import static io.handoff.spi.HandoffSettings.ACK_TIMEOUT_MS;
import static io.handoff.spi.HandoffSettings.CONSUME_STEPDOWN_STAMP;
import static io.handoff.spi.HandoffSettings.EMIT_STEPDOWN_STAMP;
import static io.handoff.spi.HandoffSettings.KAFKA_PREFIX;
import static io.handoff.spi.HandoffSettings.STRATEGY;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNotEquals;
import static org.testng.Assert.assertThrows;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import ch.qos.logback.classic.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

/**
 * {@link HandoffSettings} keeps its documented key names and defaults, parses valid values
 * leniently (trimmed, case-insensitive booleans, typed objects, {@link java.util.Properties}
 * defaults), rejects every invalid value in one exception naming each key, warns about unknown keys
 * with a suggestion, routes strategy and Kafka keys, and never shows a secret outside the Kafka
 * properties.
 */
public class HandoffSettingsTest {

  private static HandoffSettings parse(String... keyValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put(keyValues[i], keyValues[i + 1]);
    }
    return HandoffSettings.from(m);
  }

  private static HandoffConfigException parseFails(Map<String, ?> m) {
    return expectThrows(HandoffConfigException.class, () -> HandoffSettings.from(m));
  }

  // ---------------------------------------------------------------- keys and defaults

  @Test
  public void keyNamesAreTheDocumentedOnes() {
    assertEquals(HandoffSettings.PREFIX, "server.leader.handover.", "HandoffSettings.PREFIX");
    assertEquals(
        EMIT_STEPDOWN_STAMP, "server.leader.handover.emit.stepdown.stamp", "EMIT_STEPDOWN_STAMP");
    assertEquals(
        CONSUME_STEPDOWN_STAMP,
        "server.leader.handover.consume.stepdown.stamp",
        "CONSUME_STEPDOWN_STAMP");
    assertEquals(
        ACK_TIMEOUT_MS,
        "server.leader.handover.emit.stepdown.stamp.ack.timeout.ms",
        "ACK_TIMEOUT_MS");
    assertEquals(STRATEGY, "server.leader.handover.strategy", "STRATEGY");
    assertEquals(KAFKA_PREFIX, "server.leader.handover.kafka.", "KAFKA_PREFIX");
    assertEquals(
        HandoffSettings.MAX_ACK_TIMEOUT_MS, 300_000L, "HandoffSettings.MAX_ACK_TIMEOUT_MS");
    assertEquals(HandoffSettings.HIDDEN, "[hidden]", "HandoffSettings.HIDDEN");
  }

  @Test
  public void defaults() {
    HandoffSettings s = HandoffSettings.defaults();
    assertFalse(s.emitStepDownStamp(), "s.emitStepDownStamp()");
    assertFalse(s.consumeStepDownStamp(), "s.consumeStepDownStamp()");
    assertEquals(s.ackTimeoutMs(), 1000L, "s.ackTimeoutMs()");
    assertEquals(s.strategy(), "stamp", "s.strategy()");
    assertFalse(s.strategyExplicit(), "s.strategyExplicit()");
    assertTrue(s.kafkaProperties().isEmpty(), "s.kafkaProperties().isEmpty()");
    assertTrue(s.strategyProperties().isEmpty(), "s.strategyProperties().isEmpty()");
    assertTrue(s.warnings().isEmpty(), "s.warnings().isEmpty()");
  }

  @Test
  public void emptyPropertiesGiveTheDefaults() {
    HandoffSettings s = HandoffSettings.from(new Properties());
    assertEquals(s, HandoffSettings.defaults(), "s");
    assertEquals(s.hashCode(), HandoffSettings.defaults().hashCode(), "s.hashCode()");
    assertFalse(s.emitStepDownStamp(), "s.emitStepDownStamp()");
    assertFalse(s.consumeStepDownStamp(), "s.consumeStepDownStamp()");
    assertEquals(s.ackTimeoutMs(), 1000L, "s.ackTimeoutMs()");
    assertEquals(s.strategy(), "stamp", "s.strategy()");
    assertFalse(s.strategyExplicit(), "s.strategyExplicit()");
  }

  @Test
  public void keysListTheFourKeysWithDefaultsAndTypes() {
    List<ConfigKey> keys = HandoffSettings.keys();
    assertEquals(keys.size(), 4, "keys.size()");
    List<String> names = new ArrayList<>();
    List<ConfigKey.Type> types = new ArrayList<>();
    List<String> defaults = new ArrayList<>();
    for (ConfigKey k : keys) {
      names.add(k.name());
      types.add(k.type());
      defaults.add(k.defaultValue());
      assertTrue(k.doc() != null && !k.doc().isBlank(), "no documentation for " + k.name());
      assertFalse(k.secret(), "the spi's own keys hold no secret: " + k.name());
    }
    assertEquals(
        names,
        List.of(EMIT_STEPDOWN_STAMP, CONSUME_STEPDOWN_STAMP, ACK_TIMEOUT_MS, STRATEGY),
        "names");
    assertEquals(
        types,
        List.of(
            ConfigKey.Type.BOOLEAN,
            ConfigKey.Type.BOOLEAN,
            ConfigKey.Type.LONG,
            ConfigKey.Type.STRING),
        "types");
    assertEquals(defaults, List.of("false", "false", "1000", "stamp"), "defaults");
    assertThrows(UnsupportedOperationException.class, () -> keys.add(keys.get(0)));
  }

  @Test
  public void effectiveOfDefaultsListsTheDeclaredKeysInOrder() {
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put(EMIT_STEPDOWN_STAMP, "false");
    expected.put(CONSUME_STEPDOWN_STAMP, "false");
    expected.put(ACK_TIMEOUT_MS, "1000");
    expected.put(STRATEGY, "stamp");
    Map<String, String> effective = HandoffSettings.defaults().effective();
    assertEquals(effective, expected, "effective");
    assertEquals(
        new ArrayList<>(effective.keySet()),
        new ArrayList<>(expected.keySet()),
        "new ArrayList<>(effective.keySet())");
    assertEquals(
        HandoffSettings.defaults().toString(),
        "HandoffSettings{"
            + EMIT_STEPDOWN_STAMP
            + "=false, "
            + CONSUME_STEPDOWN_STAMP
            + "=false, "
            + ACK_TIMEOUT_MS
            + "=1000, "
            + STRATEGY
            + "=stamp}",
        "HandoffSettings.defaults().toString()");
  }

  // ---------------------------------------------------------------- parsing valid values

  @DataProvider
  public Object[][] booleans() {
    return new Object[][] {
      {"true", true},
      {"TRUE", true},
      {"True", true},
      {"tRuE", true},
      {" true ", true},
      {"\ttrue\n", true},
      {"false", false},
      {"FALSE", false},
      {"False", false},
      {"  fAlSe\t", false},
    };
  }

  @Test(dataProvider = "booleans")
  public void booleansParseCaseInsensitivelyAndTrimmed(String text, boolean expected) {
    HandoffSettings emit = parse(EMIT_STEPDOWN_STAMP, text);
    assertEquals(emit.emitStepDownStamp(), expected, "emit.emitStepDownStamp()");
    assertFalse(emit.consumeStepDownStamp(), "emit.consumeStepDownStamp()");

    HandoffSettings consume = parse(CONSUME_STEPDOWN_STAMP, text);
    assertEquals(consume.consumeStepDownStamp(), expected, "consume.consumeStepDownStamp()");
    assertFalse(consume.emitStepDownStamp(), "consume.emitStepDownStamp()");
    assertTrue(emit.warnings().isEmpty(), "emit.warnings().isEmpty()");
  }

  @Test
  public void typedObjectsInAMap() {
    Map<String, Object> m = new HashMap<>();
    m.put(EMIT_STEPDOWN_STAMP, Boolean.TRUE);
    m.put(CONSUME_STEPDOWN_STAMP, Boolean.TRUE);
    m.put(ACK_TIMEOUT_MS, Integer.valueOf(250));
    HandoffSettings s = HandoffSettings.from(m);
    assertTrue(s.emitStepDownStamp(), "s.emitStepDownStamp()");
    assertTrue(s.consumeStepDownStamp(), "s.consumeStepDownStamp()");
    assertEquals(s.ackTimeoutMs(), 250L, "s.ackTimeoutMs()");

    m.put(EMIT_STEPDOWN_STAMP, Boolean.FALSE);
    m.put(ACK_TIMEOUT_MS, Long.valueOf(300_000L));
    s = HandoffSettings.from(m);
    assertFalse(s.emitStepDownStamp(), "s.emitStepDownStamp()");
    assertTrue(s.consumeStepDownStamp(), "s.consumeStepDownStamp()");
    assertEquals(s.ackTimeoutMs(), 300_000L, "s.ackTimeoutMs()");
  }

  @Test
  public void ackTimeoutStringsAreTrimmedAndBoundsAccepted() {
    assertEquals(
        parse(ACK_TIMEOUT_MS, " 42 ").ackTimeoutMs(),
        42L,
        "parse(ACK_TIMEOUT_MS, \" 42 \").ackTimeoutMs()");
    assertEquals(
        parse(ACK_TIMEOUT_MS, "0").ackTimeoutMs(),
        0L,
        "parse(ACK_TIMEOUT_MS, \"0\").ackTimeoutMs()");
    assertTrue(
        parse(ACK_TIMEOUT_MS, "0").warnings().isEmpty(),
        "parse(ACK_TIMEOUT_MS, \"0\").warnings().isEmpty()");
    assertEquals(
        parse(ACK_TIMEOUT_MS, "300000").ackTimeoutMs(),
        300_000L,
        "parse(ACK_TIMEOUT_MS, \"300000\").ackTimeoutMs()");
  }

  @Test
  public void strategyIsTrimmedAndMarkedExplicit() {
    HandoffSettings s = parse(STRATEGY, "  my-vendor_2 ");
    assertEquals(s.strategy(), "my-vendor_2", "s.strategy()");
    assertTrue(s.strategyExplicit(), "s.strategyExplicit()");
    // Giving the default value explicitly still counts as explicit.
    HandoffSettings t = parse(STRATEGY, "stamp");
    assertEquals(t.strategy(), "stamp", "t.strategy()");
    assertTrue(t.strategyExplicit(), "t.strategyExplicit()");
  }

  @Test
  public void parsedSettingsAreImmutableAndDetachedFromTheInput() {
    Map<String, Object> m = new HashMap<>();
    m.put(KAFKA_PREFIX + "bootstrap.servers", "b1:9092");
    m.put(HandoffSettings.PREFIX + "stamp.foo", "bar");
    HandoffSettings s = HandoffSettings.from(m);
    m.put(KAFKA_PREFIX + "acks", "all");
    m.put(HandoffSettings.PREFIX + "stamp.baz", "qux");
    assertEquals(
        s.kafkaProperties(), Map.of("bootstrap.servers", "b1:9092"), "s.kafkaProperties()");
    assertEquals(s.strategyProperties(), Map.of("foo", "bar"), "s.strategyProperties()");
    assertThrows(UnsupportedOperationException.class, () -> s.kafkaProperties().put("x", "y"));
    assertThrows(UnsupportedOperationException.class, () -> s.strategyProperties().put("x", "y"));
    assertThrows(UnsupportedOperationException.class, () -> s.warnings().add("x"));
  }

  @Test
  public void equalsComparesTheParsedValues() {
    assertEquals(
        parse(EMIT_STEPDOWN_STAMP, "true", ACK_TIMEOUT_MS, "5"),
        parse(EMIT_STEPDOWN_STAMP, " TRUE", ACK_TIMEOUT_MS, "5 "),
        "parse(EMIT_STEPDOWN_STAMP, \"true\", ACK_TIMEOUT_MS, \"5\")");
    assertNotEquals(
        parse(ACK_TIMEOUT_MS, "5"), parse(ACK_TIMEOUT_MS, "6"), "parse(ACK_TIMEOUT_MS, \"5\")");
    assertNotEquals(
        parse(EMIT_STEPDOWN_STAMP, "true"),
        HandoffSettings.defaults(),
        "parse(EMIT_STEPDOWN_STAMP, \"true\")");
    assertNotEquals(
        parse(KAFKA_PREFIX + "acks", "all"),
        HandoffSettings.defaults(),
        "parse(KAFKA_PREFIX + \"acks\", \"all\")");
  }

  @Test
  public void settingsThatDifferInOneValueAreNotEqual() {
    HandoffSettings alpha = parse(STRATEGY, "alpha", KAFKA_PREFIX + "acks", "all");
    assertEquals(alpha, parse(STRATEGY, "alpha ", KAFKA_PREFIX + "acks", "all"), "same values");
    assertEquals(
        alpha.hashCode(),
        parse(STRATEGY, "alpha ", KAFKA_PREFIX + "acks", "all").hashCode(),
        "equal settings hash alike");
    assertNotEquals(alpha, parse(STRATEGY, "beta", KAFKA_PREFIX + "acks", "all"), "strategy");
    assertNotEquals(alpha, parse(STRATEGY, "alpha", KAFKA_PREFIX + "acks", "1"), "Kafka value");
    assertNotEquals(parse(CONSUME_STEPDOWN_STAMP, "true"), HandoffSettings.defaults(), "consume");
    assertNotEquals(
        parse(STRATEGY, "stamp"), HandoffSettings.defaults(), "the default strategy named");
    assertFalse(alpha.equals(alpha.toString()), "not equal to its text");
    assertFalse(alpha.equals(null), "nor to null");
  }

  @Test
  public void providerNamesAreCheckedAsTheStrategyKeyChecksThem() {
    assertTrue(HandoffSettings.isValidProviderName("stamp"), "stamp");
    assertTrue(HandoffSettings.isValidProviderName("my-vendor_2"), "my-vendor_2");
    for (String bad : new String[] {null, "", "Stamp", "2fast", "kafka", "strategy"}) {
      assertFalse(HandoffSettings.isValidProviderName(bad), String.valueOf(bad));
    }
  }

  @Test
  public void theTableOfKeysAnswersByName() {
    HandoffConfigDef spi = HandoffConfigDef.spi();
    assertEquals(spi.key(STRATEGY), java.util.Optional.of(HandoffSettings.keys().get(3)), "found");
    assertEquals(spi.key(KAFKA_PREFIX + "acks"), java.util.Optional.empty(), "not declared");
    assertEquals(
        spi.toString(),
        "HandoffConfigDef[server.leader.handover.emit.stepdown.stamp,"
            + " server.leader.handover.consume.stepdown.stamp,"
            + " server.leader.handover.emit.stepdown.stamp.ack.timeout.ms,"
            + " server.leader.handover.strategy]");
  }

  @Test
  public void aNullKeyInAMapIsIgnoredLikeAnyKeyOutsideThePrefix() {
    Map<String, Object> m = new java.util.HashMap<>();
    m.put(null, "whatever");
    m.put(EMIT_STEPDOWN_STAMP, "true");
    HandoffSettings s = HandoffSettings.from(m);
    assertTrue(s.emitStepDownStamp(), "the other keys are read");
    assertTrue(s.warnings().isEmpty(), s.warnings().toString());
  }

  @Test
  public void aMalformedStrategyIsReportedWhateverElseIsUnderThePrefix() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(STRATEGY, "Bad Name");
    m.put(HandoffSettings.PREFIX + "bad.setting", "1");
    assertEquals(
        parseFails(m).errors(),
        List.of(
            "Invalid value 'Bad Name' for configuration server.leader.handover.strategy: must be a"
                + " provider name: lower-case letters, digits, '-' or '_', starting with a letter"),
        "the strategy's error alone");
  }

  // ---------------------------------------------------------------- invalid values

  @Test
  public void invalidBooleanMessageIsExact() {
    HandoffConfigException e = parseFails(Map.of(EMIT_STEPDOWN_STAMP, "abc"));
    String expected =
        "Invalid value 'abc' for configuration server.leader.handover.emit.stepdown.stamp: must be true or false";
    assertEquals(e.getMessage(), expected, "message");
    assertEquals(e.errors(), List.of(expected), "e.errors()");
    assertTrue(e instanceof IllegalArgumentException, "IllegalArgumentException");
  }

  @DataProvider
  public Object[][] invalidBooleans() {
    return new Object[][] {{"yes"}, {"1"}, {"0"}, {""}, {"truee"}, {"t"}};
  }

  @Test(dataProvider = "invalidBooleans")
  public void otherInvalidBooleansAreRejected(String text) {
    HandoffConfigException e = parseFails(Map.of(CONSUME_STEPDOWN_STAMP, text));
    assertEquals(
        e.getMessage(),
        "Invalid value '"
            + text
            + "' for configuration server.leader.handover.consume.stepdown.stamp: must be true or false",
        "message");
  }

  @Test
  public void nonBooleanObjectForABooleanIsRejected() {
    HandoffConfigException e = parseFails(Map.of(EMIT_STEPDOWN_STAMP, 1));
    assertEquals(
        e.getMessage(),
        "Invalid value '1' for configuration server.leader.handover.emit.stepdown.stamp: must be true or false",
        "message");
  }

  @DataProvider
  public Object[][] invalidTimeouts() {
    return new Object[][] {
      {"abc"}, {""}, {"1e3"}, {"99999999999999999999"}, {"1.5"}, {"1_000"}, {"0x10"}
    };
  }

  @Test(dataProvider = "invalidTimeouts")
  public void invalidAckTimeoutIsRejected(String text) {
    HandoffConfigException e = parseFails(Map.of(ACK_TIMEOUT_MS, text));
    String prefix =
        "Invalid value '"
            + text
            + "' for configuration server.leader.handover.emit.stepdown.stamp.ack.timeout.ms: must be";
    assertTrue(e.getMessage().startsWith(prefix), e.getMessage());
    assertEquals(e.errors().size(), 1, "e.errors().size()");
    assertTrue(e.errors().get(0).startsWith(prefix), e.errors().get(0));
  }

  @Test
  public void fractionalNumberObjectForTheTimeoutIsRejected() {
    HandoffConfigException e = parseFails(Map.of(ACK_TIMEOUT_MS, 1.5d));
    assertTrue(
        e.getMessage()
            .startsWith(
                "Invalid value '1.5' for configuration server.leader.handover.emit.stepdown.stamp.ack.timeout.ms: must be"),
        e.getMessage());
  }

  @DataProvider
  public Object[][] tooLongTimeouts() {
    return new Object[][] {
      {"300001"},
      {Long.valueOf(300_001L)},
      {Integer.valueOf(1_000_000)},
      {String.valueOf(Long.MAX_VALUE)}
    };
  }

  @Test(dataProvider = "tooLongTimeouts")
  public void ackTimeoutAboveTheMaximumIsRejected(Object value) {
    HandoffConfigException e = parseFails(Map.of(ACK_TIMEOUT_MS, value));
    assertEquals(e.errors().size(), 1, "e.errors().size()");
    assertTrue(
        e.getMessage()
            .startsWith(
                "Invalid value '"
                    + value
                    + "' for configuration server.leader.handover.emit.stepdown.stamp.ack.timeout.ms: must be at most 300000"),
        e.getMessage());
  }

  @DataProvider
  public Object[][] invalidStrategies() {
    return new Object[][] {
      {""}, {"   "}, {"Stamp"}, {"STAMP"}, {"my strategy"}, {"al pha"}, {"1abc"}, {"-x"}, {"st.amp"}
    };
  }

  @Test(dataProvider = "invalidStrategies")
  public void invalidStrategyIsRejected(String text) {
    HandoffConfigException e = parseFails(Map.of(STRATEGY, text));
    String prefix =
        "Invalid value '" + text + "' for configuration server.leader.handover.strategy: ";
    assertTrue(e.getMessage().startsWith(prefix), e.getMessage());
    assertTrue(e.getMessage().length() > prefix.length(), "no reason given: " + e.getMessage());
    assertEquals(e.errors().size(), 1, "e.errors().size()");
  }

  @Test
  public void emptyKafkaPropertyNameIsRejected() {
    HandoffConfigException e = parseFails(Map.of(KAFKA_PREFIX, "x"));
    assertEquals(
        e.getMessage(),
        "Invalid configuration server.leader.handover.kafka.: a Kafka client property name must follow the prefix",
        "message");
  }

  @Test
  public void everyBadKeyIsReportedInOneException() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(EMIT_STEPDOWN_STAMP, "abc");
    m.put(CONSUME_STEPDOWN_STAMP, "maybe");
    m.put(ACK_TIMEOUT_MS, "soon");
    m.put(STRATEGY, "Bad Name");
    m.put("server.port", "8080");
    HandoffConfigException e = parseFails(m);

    List<String> errors = e.errors();
    assertEquals(errors.size(), 4, errors.toString());
    assertEquals(
        errors.get(0),
        "Invalid value 'abc' for configuration server.leader.handover.emit.stepdown.stamp: must be true or false",
        "errors.get(0)");
    assertEquals(
        errors.get(1),
        "Invalid value 'maybe' for configuration server.leader.handover.consume.stepdown.stamp: must be true or false",
        "errors.get(1)");
    assertTrue(
        errors
            .get(2)
            .startsWith(
                "Invalid value 'soon' for configuration server.leader.handover.emit.stepdown.stamp.ack.timeout.ms: must be"),
        errors.get(2));
    assertTrue(
        errors
            .get(3)
            .startsWith(
                "Invalid value 'Bad Name' for configuration server.leader.handover.strategy: "),
        errors.get(3));
    assertTrue(
        e.getMessage().startsWith("Invalid handoff configuration (4 errors):"), e.getMessage());
    for (String error : errors) {
      assertTrue(e.getMessage().contains(error), "message lacks " + error + ": " + e.getMessage());
    }
    assertThrows(UnsupportedOperationException.class, () -> e.errors().add("x"));
  }

  @Test
  public void twoBadKeysGiveTwoEntries() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(ACK_TIMEOUT_MS, "400000");
    m.put(STRATEGY, "");
    HandoffConfigException e = parseFails(m);
    assertEquals(e.errors().size(), 2, e.errors().toString());
    assertTrue(e.getMessage().contains(ACK_TIMEOUT_MS), "e.getMessage().contains(ACK_TIMEOUT_MS)");
    assertTrue(e.getMessage().contains(STRATEGY), "e.getMessage().contains(STRATEGY)");
  }

  @Test
  public void configExceptionNeedsAtLeastOneError() {
    assertThrows(IllegalArgumentException.class, () -> new HandoffConfigException(List.of()));
    HandoffConfigException one = new HandoffConfigException("just this");
    assertEquals(one.getMessage(), "just this", "message");
    assertEquals(one.errors(), List.of("just this"), "one.errors()");
  }

  // ---------------------------------------------------------------- warnings

  @DataProvider
  public Object[][] negativeTimeouts() {
    return new Object[][] {
      {"-5", -5L},
      {" -1 ", -1L},
      {Integer.valueOf(-250), -250L},
      {String.valueOf(Long.MIN_VALUE), Long.MIN_VALUE}
    };
  }

  @Test(dataProvider = "negativeTimeouts")
  public void negativeAckTimeoutIsRejectedLikeATooLongOne(Object value, long parsed) {
    // Out of range on either side fails the same way: no silent clamping.
    try (LogCapture log = new LogCapture(HandoffSettings.class)) {
      HandoffConfigException e = parseFails(Map.of(ACK_TIMEOUT_MS, value));
      String expected =
          "Invalid value '"
              + value
              + "' for configuration server.leader.handover.emit.stepdown.stamp.ack.timeout.ms:"
              + " must be at least 0";
      assertEquals(e.errors(), List.of(expected), "e.errors()");
      assertTrue(log.events().isEmpty(), log.everything());
    }
  }

  @Test
  public void ackTimeoutTypeErrorNamesTheValidRange() {
    HandoffConfigException e = parseFails(Map.of(ACK_TIMEOUT_MS, "soon"));
    assertEquals(
        e.getMessage(),
        "Invalid value 'soon' for configuration"
            + " server.leader.handover.emit.stepdown.stamp.ack.timeout.ms:"
            + " must be a whole number between 0 and 300000",
        "message");
  }

  @Test
  public void tooLongAckTimeoutMessageIsExact() {
    HandoffConfigException e = parseFails(Map.of(ACK_TIMEOUT_MS, "300001"));
    assertEquals(
        e.getMessage(),
        "Invalid value '300001' for configuration"
            + " server.leader.handover.emit.stepdown.stamp.ack.timeout.ms: must be at most 300000",
        "message");
  }

  @Test
  public void unknownKeyUnderThePrefixWarnsAndSuggestsTheClosestKey() {
    try (LogCapture log = new LogCapture(HandoffSettings.class)) {
      HandoffSettings s = parse("server.leader.handover.emit.stepdown.stmap", "true");
      assertFalse(s.emitStepDownStamp(), "a misspelt key must not switch anything on");
      String expected =
          "Unknown configuration server.leader.handover.emit.stepdown.stmap is ignored;"
              + " did you mean server.leader.handover.emit.stepdown.stamp?";
      assertEquals(s.warnings(), List.of(expected), "s.warnings()");
      assertEquals(log.messages(Level.WARN), List.of(expected), "log.messages(Level.WARN)");
      assertEquals(log.events().size(), 1, "log.events().size()");
      assertTrue(s.kafkaProperties().isEmpty(), "s.kafkaProperties().isEmpty()");
      assertTrue(s.strategyProperties().isEmpty(), "s.strategyProperties().isEmpty()");
    }
  }

  @DataProvider
  public Object[][] typos() {
    return new Object[][] {
      {"server.leader.handover.stratgy", STRATEGY},
      {"server.leader.handover.strategies", STRATEGY},
      {"server.leader.handover.consume.stepdown.stamps", CONSUME_STEPDOWN_STAMP},
      {"server.leader.handover.emit.stepdown.stamp.ack.timeout", ACK_TIMEOUT_MS},
      {"server.leader.handover.emit.stepdown.stamp.ack.timeout.msec", ACK_TIMEOUT_MS},
      // The strategy's name without its dot: the last letter decides between two keys.
      {"server.leader.handover.stamp", STRATEGY},
    };
  }

  @Test(dataProvider = "typos")
  public void typosSuggestTheIntendedKey(String typo, String intended) {
    try (LogCapture log = new LogCapture(HandoffSettings.class)) {
      HandoffSettings s = parse(typo, "x");
      String expected =
          "Unknown configuration " + typo + " is ignored; did you mean " + intended + "?";
      assertEquals(s.warnings(), List.of(expected), "s.warnings()");
      assertEquals(log.messages(Level.WARN), List.of(expected), "log.messages(Level.WARN)");
    }
  }

  @Test
  public void keysOutsideThePrefixAreIgnoredSilently() {
    try (LogCapture log = new LogCapture(HandoffSettings.class)) {
      HandoffSettings s =
          parse(
              "kafka.bootstrap.servers", "elsewhere:9092",
              "server.port", "8080",
              "server.leader.handoverx", "1",
              "server.leader.handover", "true",
              "leader.handover.strategy", "nonsense");
      assertTrue(s.warnings().isEmpty(), s.warnings().toString());
      assertTrue(log.events().isEmpty(), log.everything());
      assertTrue(s.kafkaProperties().isEmpty(), "s.kafkaProperties().isEmpty()");
      assertTrue(s.strategyProperties().isEmpty(), "s.strategyProperties().isEmpty()");
      assertEquals(s, HandoffSettings.defaults(), "s");
    }
  }

  @Test
  public void keysUnderTheSelectedStrategyGoToStrategyPropertiesWithoutWarning() {
    try (LogCapture log = new LogCapture(HandoffSettings.class)) {
      HandoffSettings s =
          parse(
              STRATEGY,
              "alpha",
              "server.leader.handover.alpha.region",
              "eu-west",
              "server.leader.handover.alpha.retry.count",
              "3");
      Map<String, String> expected = new LinkedHashMap<>();
      expected.put("region", "eu-west");
      expected.put("retry.count", "3");
      assertEquals(s.strategyProperties(), expected, "s.strategyProperties()");
      assertTrue(s.warnings().isEmpty(), s.warnings().toString());
      assertTrue(log.events().isEmpty(), log.everything());
      assertEquals(
          s.effective().get("server.leader.handover.alpha.region"),
          "eu-west",
          "s.effective().get(\"server.leader.handover.alpha.region\")");
      assertEquals(
          s.effective().get("server.leader.handover.alpha.retry.count"),
          "3",
          "s.effective().get(\"server.leader.handover.alpha.retry.count\")");
    }
  }

  @Test
  public void keysOfTheDefaultStrategyGoToStrategyProperties() {
    HandoffSettings s = parse("server.leader.handover.stamp.compression", "none");
    assertEquals(s.strategyProperties(), Map.of("compression", "none"), "s.strategyProperties()");
    assertTrue(s.warnings().isEmpty(), "s.warnings().isEmpty()");
  }

  @Test
  public void keysOfAnotherStrategyAreUnknown() {
    try (LogCapture log = new LogCapture(HandoffSettings.class)) {
      HandoffSettings s = parse(STRATEGY, "alpha", "server.leader.handover.beta.region", "eu");
      assertTrue(s.strategyProperties().isEmpty(), "s.strategyProperties().isEmpty()");
      assertEquals(s.warnings().size(), 1, "s.warnings().size()");
      assertTrue(
          s.warnings()
              .get(0)
              .startsWith("Unknown configuration server.leader.handover.beta.region is ignored"),
          s.warnings().get(0));
      assertEquals(log.at(Level.WARN).size(), 1, "log.at(Level.WARN).size()");
    }
  }

  // ---------------------------------------------------------------- kafka and secrets

  @Test
  public void kafkaPrefixIsRemoved() {
    HandoffSettings s =
        parse(
            KAFKA_PREFIX + "bootstrap.servers", "broker-1:9092,broker-2:9092",
            KAFKA_PREFIX + "acks", "all");
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("bootstrap.servers", "broker-1:9092,broker-2:9092");
    expected.put("acks", "all");
    assertEquals(s.kafkaProperties(), expected, "s.kafkaProperties()");
    assertTrue(s.warnings().isEmpty(), "s.warnings().isEmpty()");
    assertEquals(
        s.effective().get("server.leader.handover.kafka.bootstrap.servers"),
        "broker-1:9092,broker-2:9092",
        "s.effective().get(\"server.leader.handover.kafka.bootstrap.servers\")");
    assertTrue(
        s.toString()
            .contains("server.leader.handover.kafka.bootstrap.servers=broker-1:9092,broker-2:9092"),
        s.toString());
  }

  @Test
  public void secretsAreHiddenEverywhereButInTheKafkaProperties() {
    Map<String, String> secrets = new LinkedHashMap<>();
    secrets.put(
        "sasl.jaas.config",
        "org.apache.kafka.common.security.plain.PlainLoginModule required "
            + "username=\"u\" password=\"Jaas-S3cr3t-Zq91\";");
    secrets.put("ssl.key.password", "KeyPw-Xy77-unique");
    secrets.put("ssl.truststore.password", "TrustPw-Qq55-unique");
    secrets.put("basic.auth.user.secret", "BasicAuth-Ww33-unique");
    String[] distinctive = {
      "Jaas-S3cr3t-Zq91", "KeyPw-Xy77-unique", "TrustPw-Qq55-unique", "BasicAuth-Ww33-unique"
    };

    Map<String, Object> in = new LinkedHashMap<>();
    in.put(KAFKA_PREFIX + "bootstrap.servers", "broker:9092");
    secrets.forEach((k, v) -> in.put(KAFKA_PREFIX + k, v));
    in.put(STRATEGY, "alpha");
    in.put("server.leader.handover.alpha.api.password", "StrategyPw-Rr11-unique");
    in.put(
        "server.leader.handover.emit.stepdown.stmap",
        "true"); // produces a warning, to check warnings too

    try (LogCapture log = new LogCapture(HandoffSettings.class)) {
      HandoffSettings s = HandoffSettings.from(in);
      String text = s.toString();
      Map<String, String> effective = s.effective();
      String warnings = String.join("\n", s.warnings());

      for (String key : secrets.keySet()) {
        assertEquals(effective.get(KAFKA_PREFIX + key), "[hidden]", key);
        assertTrue(text.contains(KAFKA_PREFIX + key + "=[hidden]"), key + " not hidden in " + text);
        assertTrue(s.kafkaProperties().get(key) instanceof Secret, key + " is held as a Secret");
        assertEquals(
            Secret.reveal(s.kafkaProperties().get(key)),
            secrets.get(key),
            "the producer needs the real " + key);
        assertEquals(String.valueOf(s.kafkaProperties().get(key)), "[hidden]", key);
        assertTrue(HandoffConfigDef.spi().isSecret(KAFKA_PREFIX + key), key);
      }
      assertEquals(
          effective.get("server.leader.handover.alpha.api.password"),
          "[hidden]",
          "effective.get(\"server.leader.handover.alpha.api.password\")");
      assertEquals(
          Secret.reveal(s.strategyProperties().get("api.password")),
          "StrategyPw-Rr11-unique",
          "s.strategyProperties().get(\"api.password\")");
      assertFalse(
          s.kafkaProperties().toString().contains("Jaas-S3cr3t-Zq91"),
          "kafkaProperties().toString() shows the JAAS secret");
      assertEquals(
          effective.get(KAFKA_PREFIX + "bootstrap.servers"),
          "broker:9092",
          "effective.get(KAFKA_PREFIX + \"bootstrap.servers\")");

      List<String> all = new ArrayList<>(List.of(distinctive));
      all.add("StrategyPw-Rr11-unique");
      for (String secret : all) {
        assertFalse(text.contains(secret), "toString() shows " + secret);
        assertFalse(effective.toString().contains(secret), "effective() shows " + secret);
        assertFalse(warnings.contains(secret), "warnings() show " + secret);
        assertFalse(log.everything().contains(secret), "the log shows " + secret);
      }
      assertEquals(s.warnings().size(), 1, warnings);
    }
  }

  @Test
  public void undeclaredNamesThatLookSecretAreSecret() {
    HandoffConfigDef spi = HandoffConfigDef.spi();
    for (String name :
        List.of(
            "ssl.keystore.password",
            "SSL.KEY.PASSWORD",
            "sasl.oauthbearer.client.credentials.client.secret",
            "SASL.JAAS.CONFIG",
            "sasl.jaas.confg")) {
      assertTrue(spi.isSecret(KAFKA_PREFIX + name), name);
    }
    assertFalse(spi.isSecret(KAFKA_PREFIX + "bootstrap.servers"), "bootstrap.servers");
    assertFalse(spi.isSecret(KAFKA_PREFIX + "sasl.mechanism"), "sasl.mechanism");
    assertFalse(spi.isSecret(ACK_TIMEOUT_MS), "ACK_TIMEOUT_MS");
  }

  @Test
  public void declaredKeysDecideWhatIsSecret() {
    // A certificate list is a Kafka PASSWORD though its name says nothing; a token endpoint's URL
    // is no secret though its name holds "token".
    String certificates = KAFKA_PREFIX + "ssl.truststore.certificates";
    String endpoint = KAFKA_PREFIX + "sasl.oauthbearer.token.endpoint.url";
    HandoffConfigDef def =
        HandoffConfigDef.of(
            List.of(
                ConfigKey.secret(certificates, "PEM certificates"),
                ConfigKey.string(endpoint, null, ConfigKey.Validator.any(), "token endpoint")));
    assertTrue(def.isSecret(certificates), certificates);
    assertFalse(def.isSecret(endpoint), endpoint);
    assertTrue(HandoffConfigDef.spi().isSecret(endpoint), "undeclared, it looks secret");

    HandoffSettings s =
        HandoffSettings.from(
            Map.of(certificates, "-----BEGIN CERT Pem-Uu42-----", endpoint, "https://idp/token"),
            def);
    assertEquals(s.effective().get(certificates), "[hidden]", "effective()");
    assertEquals(s.effective().get(endpoint), "https://idp/token", "effective()");
    assertFalse(s.toString().contains("Pem-Uu42"), s.toString());
    assertEquals(
        Secret.reveal(s.kafkaProperties().get("ssl.truststore.certificates")),
        "-----BEGIN CERT Pem-Uu42-----",
        "the consumer still gets the value");
  }

  @Test
  public void declaringOneOfTheSpiKeysAgainIsRejected() {
    IllegalArgumentException e =
        expectThrows(
            IllegalArgumentException.class,
            () ->
                HandoffConfigDef.of(
                    List.of(ConfigKey.bool(EMIT_STEPDOWN_STAMP, true, "a second switch"))));
    assertTrue(e.getMessage().contains(EMIT_STEPDOWN_STAMP), e.getMessage());
  }

  // ---------------------------------------------------------------- java.util.Properties

  @Test
  public void propertiesWithNonStringValuesPutDirectly() {
    Properties p = new Properties();
    p.put(EMIT_STEPDOWN_STAMP, Boolean.TRUE);
    p.put(ACK_TIMEOUT_MS, Integer.valueOf(250));
    p.put(KAFKA_PREFIX + "linger.ms", Integer.valueOf(5));
    p.setProperty(CONSUME_STEPDOWN_STAMP, "true");
    p.put(Integer.valueOf(7), "a non-string key is ignored");
    HandoffSettings s = HandoffSettings.from(p);
    assertTrue(s.emitStepDownStamp(), "s.emitStepDownStamp()");
    assertTrue(s.consumeStepDownStamp(), "s.consumeStepDownStamp()");
    assertEquals(s.ackTimeoutMs(), 250L, "s.ackTimeoutMs()");
    assertEquals(s.kafkaProperties(), Map.of("linger.ms", "5"), "s.kafkaProperties()");
    assertTrue(s.warnings().isEmpty(), "s.warnings().isEmpty()");
  }

  @Test
  public void propertiesWithNonStringValuesAreValidatedToo() {
    Properties p = new Properties();
    p.put(EMIT_STEPDOWN_STAMP, Integer.valueOf(1));
    HandoffConfigException e =
        expectThrows(HandoffConfigException.class, () -> HandoffSettings.from(p));
    assertEquals(
        e.getMessage(),
        "Invalid value '1' for configuration server.leader.handover.emit.stepdown.stamp: must be true or false",
        "message");
  }

  @Test
  public void propertiesDefaultsAreSeen() {
    Properties defaults = new Properties();
    defaults.setProperty(EMIT_STEPDOWN_STAMP, "true");
    defaults.setProperty(ACK_TIMEOUT_MS, "10");
    Properties p = new Properties(defaults);
    p.setProperty(ACK_TIMEOUT_MS, "20");
    HandoffSettings s = HandoffSettings.from(p);
    assertTrue(s.emitStepDownStamp(), "s.emitStepDownStamp()");
    assertEquals(s.ackTimeoutMs(), 20L, "s.ackTimeoutMs()");
  }

  @Test
  public void aValuePutOverADefaultWinsWhateverItsType() {
    Properties defaults = new Properties();
    defaults.setProperty(EMIT_STEPDOWN_STAMP, "false");
    defaults.setProperty(ACK_TIMEOUT_MS, "10");
    Properties p = new Properties(defaults);
    p.put(EMIT_STEPDOWN_STAMP, Boolean.TRUE);
    p.put(ACK_TIMEOUT_MS, Integer.valueOf(20));
    HandoffSettings s = HandoffSettings.from(p);
    assertTrue(s.emitStepDownStamp(), "the host's own Boolean, not the default");
    assertEquals(s.ackTimeoutMs(), 20L, "the host's own Integer, not the default");
  }

  @Test
  public void nullPropertiesAreRejected() {
    NullPointerException e =
        expectThrows(NullPointerException.class, () -> HandoffSettings.from((Properties) null));
    assertEquals(e.getMessage(), "properties is null", "message");
    NullPointerException m =
        expectThrows(NullPointerException.class, () -> HandoffSettings.from((Map<String, ?>) null));
    assertEquals(m.getMessage(), "properties is null", "message");
  }

  @Test
  public void aValueTheHostWrappedAsASecretStaysHiddenUnderAnyName() {
    Map<String, Object> in = new HashMap<>();
    in.put(KAFKA_PREFIX + "client.id", new Secret("s3cr3t-client"));
    HandoffSettings s = HandoffSettings.from(in);
    assertFalse(s.toString().contains("s3cr3t-client"), s.toString());
    assertFalse(s.effective().toString().contains("s3cr3t-client"), s.effective().toString());
    Object value = s.kafkaProperties().get("client.id");
    assertTrue(value instanceof Secret, "still a Secret: " + value);
    assertEquals(Secret.reveal(value), "s3cr3t-client", "the producer still gets the value");
  }
}
