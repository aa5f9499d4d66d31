package io.handoff.spi;

import static io.handoff.spi.HandoffSettings.ACK_TIMEOUT_MS;
import static io.handoff.spi.HandoffSettings.CONSUME_STEPDOWN_STAMP;
import static io.handoff.spi.HandoffSettings.EMIT_STEPDOWN_STAMP;
import static io.handoff.spi.HandoffSettings.KAFKA_PREFIX;
import static io.handoff.spi.HandoffSettings.STRATEGY;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import ch.qos.logback.classic.Level;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.testng.annotations.Test;

/**
 * The one validation pass of {@link ProviderRegistry#validate(Map)} and of selection through {@link
 * LeadershipHandoffs}: the spi's keys, the strategy name, the keys providers declare and what the
 * selected provider checks itself, all reported in one {@link HandoffConfigException}; secrets
 * hidden in every message and log line, and the effective configuration logged once per selection.
 */
public class ConfigValidationTest {

  private static final String ACKS = KAFKA_PREFIX + "acks";
  private static final String API_KEY = KAFKA_PREFIX + "api.key";
  private static final String REGION = "server.leader.handover.keyed.region";

  /** A provider that declares keys, one of them secret, and checks a cross-key rule. */
  public static final class Keyed extends StubProviders.Base {
    public Keyed() {
      super("keyed");
    }

    @Override
    public List<ConfigKey> configKeys() {
      return List.of(
          ConfigKey.string(ACKS, "all", ConfigKey.Validator.oneOf("all", "-1", "0", "1"), "acks"),
          ConfigKey.string(REGION, "eu", ConfigKey.Validator.oneOf("eu", "us"), "region"),
          new ConfigKey(
              API_KEY,
              ConfigKey.Type.STRING,
              null,
              v -> ((String) v).length() < 8 ? "must be at least 8 characters long" : null,
              "the vendor's API key",
              true));
    }

    @Override
    public List<String> validate(HandoffSettings settings) {
      return "us".equals(settings.strategyProperties().get("region"))
              && settings.kafkaProperties().get("acks") != null
          ? List.of("Invalid configuration " + ACKS + ": the us region decides acks itself")
          : List.of();
    }
  }

  private static ProviderRegistry registry() {
    return ProviderRegistry.of(List.of(new StubProviders.Noop(), new Keyed()));
  }

  private static Map<String, Object> props(Object... keyValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put((String) keyValues[i], keyValues[i + 1]);
    }
    return m;
  }

  private static List<String> problems(Map<String, Object> props) {
    return expectThrows(HandoffConfigException.class, () -> registry().validate(props)).errors();
  }

  @Test
  public void aBadTimeoutABadKafkaValueAndAnUnknownStrategyAreReportedTogether() {
    HandoffConfigException e =
        expectThrows(
            HandoffConfigException.class,
            () ->
                registry()
                    .validate(
                        props(
                            EMIT_STEPDOWN_STAMP, "true",
                            ACK_TIMEOUT_MS, "-1",
                            ACKS, "banana",
                            STRATEGY, "x")));
    List<String> expected =
        List.of(
            "Invalid value '-1' for configuration " + ACK_TIMEOUT_MS + ": must be at least 0",
            "Unknown strategy 'x' for " + STRATEGY + ". Available: [keyed, noop]",
            "Invalid value 'banana' for configuration "
                + ACKS
                + ": must be one of [all, -1, 0, 1]");
    assertEquals(e.errors(), expected, "e.errors()");
    assertTrue(
        e.getMessage().startsWith("Invalid handoff configuration (3 errors):"), e.getMessage());
    for (String problem : expected) {
      assertTrue(e.getMessage().contains(problem), e.getMessage());
    }
  }

  @Test
  public void theSelectedProvidersOwnChecksJoinTheOthers() {
    assertEquals(
        problems(
            props(
                CONSUME_STEPDOWN_STAMP, "maybe",
                STRATEGY, "keyed",
                EMIT_STEPDOWN_STAMP, "true",
                REGION, "us",
                ACKS, "1")),
        List.of(
            "Invalid value 'maybe' for configuration "
                + CONSUME_STEPDOWN_STAMP
                + ": must be true or false",
            "Invalid configuration " + ACKS + ": the us region decides acks itself"),
        "problems");
  }

  @Test
  public void declaredKeysAreValidatedEvenWhileTheSwitchesAreOff() {
    // The mistake shows at the first start, not on the day emitting is switched on.
    assertEquals(
        problems(props(STRATEGY, "keyed", REGION, "mars")),
        List.of("Invalid value 'mars' for configuration " + REGION + ": must be one of [eu, us]"),
        "problems");
    assertEquals(
        problems(props(ACKS, "2")),
        List.of("Invalid value '2' for configuration " + ACKS + ": must be one of [all, -1, 0, 1]"),
        "a Kafka key the provider declares is checked with no strategy named");
  }

  @Test
  public void validConfigurationPassesAndKeepsItsValues() {
    HandoffSettings s =
        registry()
            .validate(
                props(EMIT_STEPDOWN_STAMP, "true", STRATEGY, "keyed", ACKS, " 0 ", REGION, "eu"));
    assertTrue(s.emitStepDownStamp(), "emit");
    assertEquals(s.kafkaProperties().get("acks"), " 0 ", "passed through as given");
    assertEquals(registry().emitterProvider(s).name(), "keyed", "selected");
  }

  @Test
  public void aSecretsValueNeverAppearsInAProblem() {
    List<String> problems =
        problems(props(STRATEGY, "keyed", API_KEY, "Sh0rt!", ACK_TIMEOUT_MS, "300001"));
    assertEquals(
        problems,
        List.of(
            "Invalid value '300001' for configuration "
                + ACK_TIMEOUT_MS
                + ": must be at most 300000",
            "Invalid value '[hidden]' for configuration "
                + API_KEY
                + ": must be at least 8 characters long"),
        "problems");
  }

  @Test
  public void theRegistrysTableListsEveryKeyAndHidesItsSecrets() {
    ProviderRegistry r = registry();
    List<String> names = new ArrayList<>();
    r.configDef().keys().forEach(k -> names.add(k.name()));
    assertEquals(
        names,
        List.of(
            EMIT_STEPDOWN_STAMP,
            CONSUME_STEPDOWN_STAMP,
            ACK_TIMEOUT_MS,
            STRATEGY,
            ACKS,
            REGION,
            API_KEY),
        "the spi's keys, then the provider's");
    assertTrue(r.configDef().isSecret(API_KEY), "declared secret");
    HandoffSettings s = r.validate(props(STRATEGY, "keyed", API_KEY, "Long-Enough-Kk17"));
    assertEquals(s.effective().get(API_KEY), "[hidden]", "effective()");
    assertFalse(s.toString().contains("Kk17"), s.toString());
    assertEquals(Secret.reveal(s.kafkaProperties().get("api.key")), "Long-Enough-Kk17", "revealed");
  }

  @Test
  public void selectionFailsFastWithEveryProblem() {
    ProviderRegistry r = registry();
    HandoffSettings s =
        HandoffSettings.from(
            props(EMIT_STEPDOWN_STAMP, "true", STRATEGY, "keyed", REGION, "us", ACKS, "mars"),
            r.configDef());
    List<String> expected =
        List.of(
            "Invalid value 'mars' for configuration " + ACKS + ": must be one of [all, -1, 0, 1]",
            "Invalid configuration " + ACKS + ": the us region decides acks itself");
    HandoffConfigException emitter =
        expectThrows(
            HandoffConfigException.class,
            () -> LeadershipHandoffs.emitter(r, s, HandoffMetrics.NOOP, HostResources.none()));
    assertEquals(emitter.errors(), expected, "emitter");
    HandoffConfigException observers =
        expectThrows(
            HandoffConfigException.class,
            () -> LeadershipHandoffs.observers(r, s, HandoffMetrics.NOOP));
    assertEquals(observers.errors(), expected, "observers");
  }

  @Test
  public void theEffectiveConfigurationIsLoggedOncePerSelection() {
    ProviderRegistry r = registry();
    HandoffSettings s =
        r.validate(
            props(CONSUME_STEPDOWN_STAMP, "true", STRATEGY, "keyed", API_KEY, "Long-Enough-Ll23"));
    try (LogCapture log = new LogCapture(LeadershipHandoffs.class)) {
      HandoffObserverFactory observers = LeadershipHandoffs.observers(r, s, HandoffMetrics.NOOP);
      for (int i = 0; i < 3; i++) {
        observers.open("vt_" + i, "host-a");
      }
      List<String> info = log.messages(Level.INFO);
      assertEquals(info.size(), 1, log.everything());
      assertTrue(info.get(0).contains("provider 'keyed'"), info.get(0));
      assertTrue(info.get(0).contains(s.effective().toString()), info.get(0));
      assertTrue(info.get(0).contains(API_KEY + "=[hidden]"), info.get(0));
      assertFalse(log.everything().contains("Ll23"), log.everything());
    }
  }

  @Test
  public void aProviderKeyOutsideItsNamespacesIsRejectedAtDiscovery() {
    StubProviders.Base stray =
        new StubProviders.Base("stray") {
          @Override
          public List<ConfigKey> configKeys() {
            return List.of(ConfigKey.bool("server.leader.handover.other.flag", false, "flag"));
          }
        };
    IllegalStateException e =
        expectThrows(IllegalStateException.class, () -> ProviderRegistry.of(List.of(stray)));
    assertTrue(e.getMessage().contains("server.leader.handover.other.flag"), e.getMessage());
    assertTrue(e.getMessage().contains("server.leader.handover.stray."), e.getMessage());
  }

  @Test
  public void aConfigKeyWithAnInvalidDefaultCannotBeDeclared() {
    IllegalArgumentException e =
        expectThrows(
            IllegalArgumentException.class,
            () -> ConfigKey.number(KAFKA_PREFIX + "retries", 0L, 1, 5, "retries"));
    assertTrue(e.getMessage().contains("must be at least 1"), e.getMessage());
  }
}
