package io.handoff.spi;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNotNull;
import static org.testng.Assert.assertNotSame;
import static org.testng.Assert.assertSame;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import java.util.stream.Stream;
import org.testng.annotations.Test;

/**
 * {@link ProviderRegistry} discovers providers, reports broken and clashing ones, and selects per
 * side (noop whenever a switch is off, an explicit unknown strategy failing even then); {@link
 * LeadershipHandoffs} builds the selected emitter and a {@link HandoffObserverFactory} whose
 * selection is made and logged once, at creation, and which opens one new observer per version
 * topic, rejecting null and blank names and reporting a provider that returns null evidence.
 */
public class ProviderRegistryTest {

  private static final String SERVICES =
      "META-INF/services/io.handoff.spi.LeadershipHandoffProvider";

  private static final String ALPHA = StubProviders.Alpha.class.getName();
  private static final String ALPHA_TWIN = StubProviders.AlphaTwin.class.getName();
  private static final String NOOP = StubProviders.Noop.class.getName();
  private static final String THROWING = StubProviders.Throwing.class.getName();
  private static final String MISSING = "io.handoff.spi.NoSuchProviderClass";

  /**
   * Runs {@code body} with a registry loaded by ServiceLoader from a services file listing {@code
   * lines}.
   */
  private static <T> T withServiceLoader(List<String> lines, Function<ClassLoader, T> body) {
    Path dir = null;
    try {
      dir = Files.createTempDirectory("handoff-spi-services");
      Path file = dir.resolve(SERVICES);
      Files.createDirectories(file.getParent());
      Files.write(file, lines, StandardCharsets.UTF_8);
      try (URLClassLoader loader =
          new URLClassLoader(
              new URL[] {dir.toUri().toURL()}, ProviderRegistryTest.class.getClassLoader())) {
        return body.apply(loader);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (dir != null) {
        try (Stream<Path> walk = Files.walk(dir)) {
          walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
          // best effort
        }
      }
    }
  }

  private static String locationOf(Class<?> type) {
    return type.getProtectionDomain().getCodeSource().getLocation().toString();
  }

  private static HandoffSettings settings(String... keyValues) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put(keyValues[i], keyValues[i + 1]);
    }
    return HandoffSettings.from(m);
  }

  // ---------------------------------------------------------------- discovery

  @Test
  public void serviceLoaderFindsTheListedProviders() {
    try (LogCapture log = new LogCapture(ProviderRegistry.class)) {
      ProviderRegistry r =
          withServiceLoader(List.of("# test providers", ALPHA, "", NOOP), ProviderRegistry::load);
      assertEquals(r.names(), List.of("alpha", "noop"), "r.names()");
      assertEquals(
          r.providers(),
          List.of(
              new ProviderInfo("alpha", ALPHA, locationOf(StubProviders.Alpha.class)),
              new ProviderInfo("noop", NOOP, locationOf(StubProviders.Noop.class))),
          "r.providers()");
      assertTrue(
          r.providers().get(0).location().startsWith("file:"), r.providers().get(0).location());
      assertTrue(r.broken().isEmpty(), r.broken().toString());
      assertTrue(r.provider("alpha") instanceof StubProviders.Alpha, "Alpha");
      assertTrue(r.provider("noop") instanceof StubProviders.Noop, "Noop");
      assertTrue(log.at(Level.WARN).isEmpty(), log.everything());
      assertEquals(r.toString(), "ProviderRegistry[alpha, noop]", "r.toString()");
    }
  }

  @Test
  public void brokenProvidersAreReportedAndTheOthersStillFound() {
    try (LogCapture log = new LogCapture(ProviderRegistry.class)) {
      ProviderRegistry r =
          withServiceLoader(List.of(ALPHA, THROWING, MISSING, NOOP), ProviderRegistry::load);
      assertEquals(r.names(), List.of("alpha", "noop"), "r.names()");

      List<String> broken = r.broken();
      assertEquals(broken.size(), 2, broken.toString());
      assertTrue(broken.get(0).contains(THROWING), broken.get(0));
      assertTrue(
          broken
              .get(0)
              .contains("java.lang.IllegalStateException: " + StubProviders.Throwing.MESSAGE),
          broken.get(0));
      assertTrue(broken.get(1).contains(MISSING), broken.get(1));
      assertTrue(broken.get(1).contains("not found"), broken.get(1));
      assertFalse(broken.get(1).contains("(cause: "), "a missing class has no cause to name");
      assertTrue(
          broken
              .get(0)
              .endsWith(
                  "(cause: java.lang.IllegalStateException: "
                      + StubProviders.Throwing.MESSAGE
                      + ")"),
          "the root cause is named: " + broken.get(0));

      // A missing provider asked for by name names the broken ones too.
      String missing =
          expectThrows(IllegalStateException.class, () -> r.provider("foo")).getMessage();
      assertEquals(
          missing.substring(0, missing.indexOf(". Providers that failed to load: [")),
          "No leadership handoff provider named 'foo'. Available: [alpha, noop]",
          missing);
      assertTrue(missing.contains(MISSING), missing);

      List<ILoggingEvent> warns = log.at(Level.WARN);
      assertEquals(warns.size(), 2, log.everything());
      assertTrue(
          warns.get(0).getFormattedMessage().contains(THROWING),
          warns.get(0).getFormattedMessage());
      assertTrue(
          warns.get(0).getFormattedMessage().contains(StubProviders.Throwing.MESSAGE),
          "the first warning names the constructor's failure");
      assertTrue(
          warns.get(1).getFormattedMessage().contains(MISSING), warns.get(1).getFormattedMessage());
      for (ILoggingEvent w : warns) {
        assertTrue(
            w.getFormattedMessage()
                .startsWith("A leadership handoff provider could not be loaded and is skipped: "),
            w.getFormattedMessage());
      }

      // The broken ones are named when a selection fails.
      HandoffConfigException e =
          expectThrows(
              HandoffConfigException.class,
              () ->
                  r.emitterProvider(
                      settings(
                          HandoffSettings.EMIT_STEPDOWN_STAMP,
                          "true",
                          HandoffSettings.STRATEGY,
                          "foo")));
      assertTrue(
          e.getMessage()
              .startsWith(
                  "Unknown strategy 'foo' for server.leader.handover.strategy. Available: [alpha, noop]. "
                      + "Providers that failed to load: ["),
          e.getMessage());
      assertTrue(e.getMessage().contains(THROWING), e.getMessage());
      assertTrue(e.getMessage().contains(MISSING), e.getMessage());
    }
  }

  @Test
  public void duplicateNamesFoundByServiceLoaderFailNamingBothClasses() {
    IllegalStateException e =
        expectThrows(
            IllegalStateException.class,
            () -> withServiceLoader(List.of(ALPHA, NOOP, ALPHA_TWIN), ProviderRegistry::load));
    assertTrue(e.getMessage().contains("'alpha'"), e.getMessage());
    assertTrue(e.getMessage().contains(ALPHA + " ("), e.getMessage());
    assertTrue(e.getMessage().contains(ALPHA_TWIN + " ("), e.getMessage());
  }

  @Test
  public void duplicateNamesGivenDirectlyFailNamingBothClasses() {
    IllegalStateException e =
        expectThrows(
            IllegalStateException.class,
            () ->
                ProviderRegistry.of(
                    List.of(new StubProviders.Alpha(), new StubProviders.AlphaTwin())));
    assertTrue(
        e.getMessage()
            .startsWith("Two leadership handoff providers are named 'alpha': " + ALPHA + " ("),
        e.getMessage());
    assertTrue(e.getMessage().contains(" and " + ALPHA_TWIN + " ("), e.getMessage());
  }

  @Test
  public void blankNameFailsNamingTheClass() {
    IllegalStateException e =
        expectThrows(
            IllegalStateException.class,
            () ->
                ProviderRegistry.of(List.of(new StubProviders.Noop(), new StubProviders.Blank())));
    assertTrue(e.getMessage().contains(StubProviders.Blank.class.getName()), e.getMessage());
    assertTrue(e.getMessage().contains("blank name"), e.getMessage());

    IllegalStateException n =
        expectThrows(
            IllegalStateException.class,
            () -> ProviderRegistry.of(List.of(new StubProviders.NullName())));
    assertTrue(n.getMessage().contains(StubProviders.NullName.class.getName()), n.getMessage());
  }

  @Test
  public void blankNameFoundByServiceLoaderFails() {
    IllegalStateException e =
        expectThrows(
            IllegalStateException.class,
            () ->
                withServiceLoader(
                    List.of(StubProviders.Blank.class.getName()), ProviderRegistry::load));
    assertTrue(e.getMessage().contains(StubProviders.Blank.class.getName()), e.getMessage());
  }

  @Test
  public void aNameTheStrategyKeyCannotSelectFailsNamingTheClass() {
    for (String name : new String[] {"Alpha", "kafka"}) {
      LeadershipHandoffProvider p = new StubProviders.Base(name) {};
      IllegalStateException e =
          expectThrows(IllegalStateException.class, () -> ProviderRegistry.of(List.of(p)));
      assertEquals(
          e.getMessage(),
          "Leadership handoff provider "
              + p.getClass().getName()
              + " is named '"
              + name
              + "', which server.leader.handover.strategy cannot select: use lower-case letters,"
              + " digits, '-' or '_', starting with a letter, and none of consume, emit, kafka,"
              + " strategy");
    }
  }

  @Test
  public void aProviderWhoseClassHasNoKnownLocationIsListedAsUnknown() {
    LeadershipHandoffProvider delegate = new StubProviders.Alpha();
    LeadershipHandoffProvider proxied =
        (LeadershipHandoffProvider)
            java.lang.reflect.Proxy.newProxyInstance(
                LeadershipHandoffProvider.class.getClassLoader(),
                new Class<?>[] {LeadershipHandoffProvider.class},
                (proxy, method, args) ->
                    method.isDefault()
                        ? java.lang.reflect.InvocationHandler.invokeDefault(proxy, method, args)
                        : method.invoke(delegate, args));
    ProviderRegistry r = ProviderRegistry.of(List.of(proxied));
    assertEquals(
        r.providers(),
        List.of(new ProviderInfo("alpha", proxied.getClass().getName(), "unknown")),
        "a generated class has no jar to name");
  }

  @Test
  public void aProviderWhoseCodeSourceHasNoLocationIsListedAsUnknown() throws Exception {
    String name = StubProviders.Alpha.class.getName();
    byte[] bytes;
    try (java.io.InputStream in =
        StubProviders.Alpha.class.getResourceAsStream(
            name.substring(name.lastIndexOf('.') + 1) + ".class")) {
      bytes = in.readAllBytes();
    }
    java.security.ProtectionDomain nowhere =
        new java.security.ProtectionDomain(
            new java.security.CodeSource(null, (java.security.cert.Certificate[]) null), null);
    ClassLoader loader =
        new ClassLoader(ProviderRegistryTest.class.getClassLoader()) {
          @Override
          protected Class<?> loadClass(String n, boolean resolve) throws ClassNotFoundException {
            if (!n.equals(name)) {
              return super.loadClass(n, resolve);
            }
            synchronized (getClassLoadingLock(n)) {
              Class<?> c = findLoadedClass(n);
              return c != null ? c : defineClass(n, bytes, 0, bytes.length, nowhere);
            }
          }
        };
    LeadershipHandoffProvider p =
        (LeadershipHandoffProvider) loader.loadClass(name).getDeclaredConstructor().newInstance();
    assertEquals(
        ProviderRegistry.of(List.of(p)).providers(),
        List.of(new ProviderInfo("alpha", name, "unknown")),
        "no location to name");
  }

  @Test
  public void aProviderWhoseValidateReturnsNullIsNamed() {
    LeadershipHandoffProvider alpha =
        new StubProviders.Base("alpha") {
          @Override
          public List<String> validate(HandoffSettings settings) {
            return null;
          }
        };
    ProviderRegistry r = ProviderRegistry.of(List.of(alpha));
    assertEquals(
        expectThrows(
                NullPointerException.class,
                () -> r.problems(settings(HandoffSettings.STRATEGY, "alpha")))
            .getMessage(),
        "provider " + alpha.getClass().getName() + " returned null from validate()");
  }

  @Test
  public void aClassLoaderThatCannotListItsServicesDoesNotHangDiscovery() {
    ClassLoader failing =
        new ClassLoader(ProviderRegistryTest.class.getClassLoader()) {
          @Override
          public java.util.Enumeration<URL> getResources(String name) throws IOException {
            if (name.equals(SERVICES)) {
              throw new IOException("disk gone");
            }
            return super.getResources(name);
          }
        };
    ch.qos.logback.classic.Logger logger =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(ProviderRegistry.class);
    boolean additive = logger.isAdditive();
    logger.setAdditive(false); // thousands of identical warnings: keep them off the console
    try (LogCapture log = new LogCapture(ProviderRegistry.class)) {
      ProviderRegistry r = ProviderRegistry.load(failing);
      assertTrue(r.names().isEmpty(), r.names().toString());
      assertFalse(r.broken().isEmpty(), "the failure is reported");
      assertEquals(
          r.broken().get(0),
          "io.handoff.spi.LeadershipHandoffProvider: Error locating configuration files (cause:"
              + " java.io.IOException: disk gone)");
      assertFalse(log.at(Level.WARN).isEmpty(), "and logged");
    } finally {
      logger.setAdditive(additive);
    }
  }

  @Test
  public void problemsNameAnUnknownStrategyOnlyWhenItMatters() {
    ProviderRegistry r = ProviderRegistry.of(List.of(new StubProviders.Noop()));
    String unknown =
        "Unknown strategy 'stamp' for server.leader.handover.strategy. Available: [noop]";
    assertEquals(r.problems(HandoffSettings.defaults()), List.of(), "both off, not named");
    assertEquals(
        r.problems(settings(HandoffSettings.EMIT_STEPDOWN_STAMP, "true")),
        List.of(unknown),
        "emitting on");
    assertEquals(
        r.problems(settings(HandoffSettings.CONSUME_STEPDOWN_STAMP, "true")),
        List.of(unknown),
        "consuming on");
    assertEquals(
        r.problems(settings(HandoffSettings.STRATEGY, "stamp")),
        List.of(unknown),
        "named explicitly");
    assertEquals(
        expectThrows(
                HandoffConfigException.class,
                () -> r.validate(Map.of(HandoffSettings.EMIT_STEPDOWN_STAMP, "true")))
            .errors(),
        List.of(unknown),
        "validate reports it");
  }

  @Test
  public void theProviderOfEachSwitchedOffSideChecksTheSettingsToo() {
    LeadershipHandoffProvider noop =
        new StubProviders.Base("noop") {
          @Override
          public List<String> validate(HandoffSettings settings) {
            return List.of("noop's check");
          }
        };
    LeadershipHandoffProvider alpha =
        new StubProviders.Base("alpha") {
          @Override
          public List<String> validate(HandoffSettings settings) {
            return List.of("alpha's check");
          }
        };
    ProviderRegistry r = ProviderRegistry.of(List.of(noop, alpha));
    String strategy = HandoffSettings.STRATEGY;
    String emit = HandoffSettings.EMIT_STEPDOWN_STAMP;
    String consume = HandoffSettings.CONSUME_STEPDOWN_STAMP;
    assertEquals(
        r.problems(settings(strategy, "alpha", emit, "true")),
        List.of("alpha's check", "noop's check"),
        "noop observes");
    assertEquals(
        r.problems(settings(strategy, "alpha", consume, "true")),
        List.of("noop's check", "alpha's check"),
        "noop emits");
    assertEquals(
        r.problems(settings(strategy, "alpha", emit, "true", consume, "true")),
        List.of("alpha's check"),
        "noop is not selected");
  }

  @Test
  public void aMalformedStrategyIsReportedOnceWithoutGuessingAnother() {
    ProviderRegistry r = ProviderRegistry.of(List.of(new StubProviders.Noop()));
    assertEquals(
        expectThrows(
                HandoffConfigException.class,
                () ->
                    r.validate(
                        Map.of(
                            HandoffSettings.EMIT_STEPDOWN_STAMP,
                            "true",
                            HandoffSettings.STRATEGY,
                            "Stamp")))
            .errors(),
        List.of(
            "Invalid value 'Stamp' for configuration server.leader.handover.strategy: must be a"
                + " provider name: lower-case letters, digits, '-' or '_', starting with a letter"),
        "not also 'Unknown strategy' for the default that replaced it");
  }

  @Test
  public void aProviderKeyNamedExactlyAPrefixIsRejected() {
    for (String name :
        new String[] {HandoffSettings.KAFKA_PREFIX, HandoffSettings.PREFIX + "alpha."}) {
      LeadershipHandoffProvider p =
          new StubProviders.Base("alpha") {
            @Override
            public List<ConfigKey> configKeys() {
              return List.of(
                  new ConfigKey(
                      name, ConfigKey.Type.STRING, null, ConfigKey.Validator.any(), "doc", false));
            }
          };
      IllegalStateException e =
          expectThrows(IllegalStateException.class, () -> ProviderRegistry.of(List.of(p)));
      assertEquals(
          e.getMessage(),
          "Leadership handoff provider "
              + p.getClass().getName()
              + " declares the key "
              + name
              + ", which is neither under server.leader.handover.kafka. nor under"
              + " server.leader.handover.alpha.");
    }
  }

  @Test
  public void emptyRegistry() {
    ProviderRegistry r = ProviderRegistry.of(List.of());
    assertTrue(r.names().isEmpty(), "r.names().isEmpty()");
    assertTrue(r.providers().isEmpty(), "r.providers().isEmpty()");
    assertTrue(r.broken().isEmpty(), "r.broken().isEmpty()");
  }

  @Test
  public void nullArgumentsAreRejected() {
    assertEquals(
        expectThrows(NullPointerException.class, () -> ProviderRegistry.load(null)).getMessage(),
        "classLoader is null",
        "message");
    assertEquals(
        expectThrows(NullPointerException.class, () -> ProviderRegistry.of(null)).getMessage(),
        "providers is null",
        "message");
    ProviderRegistry r = ProviderRegistry.of(List.of(new StubProviders.Noop()));
    assertEquals(
        expectThrows(NullPointerException.class, () -> r.emitterProvider(null)).getMessage(),
        "settings is null",
        "message");
    assertEquals(
        expectThrows(NullPointerException.class, () -> r.observerProvider(null)).getMessage(),
        "settings is null",
        "message");
  }

  // ---------------------------------------------------------------- selection

  @Test
  public void noPropertiesSelectNoopForBothSides() {
    StubProviders.Noop noop = new StubProviders.Noop();
    StubProviders.Stamp stamp = new StubProviders.Stamp();
    ProviderRegistry r = ProviderRegistry.of(List.of(noop, stamp));
    HandoffSettings s = HandoffSettings.from(new Properties());
    assertSame(r.emitterProvider(s), noop, "r.emitterProvider(s)");
    assertSame(r.observerProvider(s), noop, "r.observerProvider(s)");
  }

  @Test
  public void emitOnSelectsTheStrategyForTheEmitterOnly() {
    StubProviders.Noop noop = new StubProviders.Noop();
    StubProviders.Stamp stamp = new StubProviders.Stamp();
    ProviderRegistry r = ProviderRegistry.of(List.of(noop, stamp));
    HandoffSettings s = settings(HandoffSettings.EMIT_STEPDOWN_STAMP, "true");
    assertSame(r.emitterProvider(s), stamp, "r.emitterProvider(s)");
    assertSame(r.observerProvider(s), noop, "r.observerProvider(s)");
  }

  @Test
  public void consumeOnSelectsTheStrategyForTheObserverOnly() {
    StubProviders.Noop noop = new StubProviders.Noop();
    StubProviders.Stamp stamp = new StubProviders.Stamp();
    ProviderRegistry r = ProviderRegistry.of(List.of(noop, stamp));
    HandoffSettings s = settings(HandoffSettings.CONSUME_STEPDOWN_STAMP, "true");
    assertSame(r.emitterProvider(s), noop, "r.emitterProvider(s)");
    assertSame(r.observerProvider(s), stamp, "r.observerProvider(s)");
  }

  @Test
  public void bothOnSelectTheStrategyForBothSides() {
    StubProviders.Noop noop = new StubProviders.Noop();
    StubProviders.Stamp stamp = new StubProviders.Stamp();
    ProviderRegistry r = ProviderRegistry.of(List.of(noop, stamp));
    HandoffSettings s =
        settings(
            HandoffSettings.EMIT_STEPDOWN_STAMP,
            "true",
            HandoffSettings.CONSUME_STEPDOWN_STAMP,
            "true");
    assertSame(r.emitterProvider(s), stamp, "r.emitterProvider(s)");
    assertSame(r.observerProvider(s), stamp, "r.observerProvider(s)");
  }

  @Test
  public void explicitStrategyIsSelected() {
    StubProviders.Noop noop = new StubProviders.Noop();
    StubProviders.Stamp stamp = new StubProviders.Stamp();
    StubProviders.Alpha alpha = new StubProviders.Alpha();
    ProviderRegistry r = ProviderRegistry.of(List.of(noop, stamp, alpha));
    HandoffSettings s =
        settings(HandoffSettings.EMIT_STEPDOWN_STAMP, "true", HandoffSettings.STRATEGY, "alpha");
    assertSame(r.emitterProvider(s), alpha, "r.emitterProvider(s)");
    assertSame(r.observerProvider(s), noop, "r.observerProvider(s)");

    HandoffSettings off = settings(HandoffSettings.STRATEGY, "alpha");
    assertSame(
        r.emitterProvider(off), noop, "a known strategy with both switches off still selects noop");
    assertSame(r.observerProvider(off), noop, "r.observerProvider(off)");
  }

  @Test
  public void unknownStrategyWithASwitchOnFails() {
    ProviderRegistry r =
        ProviderRegistry.of(List.of(new StubProviders.Noop(), new StubProviders.Stamp()));
    String expected =
        "Unknown strategy 'foo' for server.leader.handover.strategy. Available: [noop, stamp]";

    HandoffSettings emit =
        settings(HandoffSettings.EMIT_STEPDOWN_STAMP, "true", HandoffSettings.STRATEGY, "foo");
    HandoffConfigException e =
        expectThrows(HandoffConfigException.class, () -> r.emitterProvider(emit));
    assertEquals(e.getMessage(), expected, "message");
    assertEquals(e.errors(), List.of(expected), "e.errors()");

    HandoffSettings consume =
        settings(HandoffSettings.CONSUME_STEPDOWN_STAMP, "true", HandoffSettings.STRATEGY, "foo");
    assertEquals(
        expectThrows(HandoffConfigException.class, () -> r.observerProvider(consume)).getMessage(),
        expected,
        "message");
  }

  @Test
  public void explicitUnknownStrategyFailsEvenWithBothSwitchesOff() {
    ProviderRegistry r =
        ProviderRegistry.of(List.of(new StubProviders.Noop(), new StubProviders.Stamp()));
    HandoffSettings s = settings(HandoffSettings.STRATEGY, "foo");
    String expected =
        "Unknown strategy 'foo' for server.leader.handover.strategy. Available: [noop, stamp]";
    assertEquals(
        expectThrows(HandoffConfigException.class, () -> r.emitterProvider(s)).getMessage(),
        expected,
        "message");
    assertEquals(
        expectThrows(HandoffConfigException.class, () -> r.observerProvider(s)).getMessage(),
        expected,
        "message");
  }

  @Test
  public void defaultStrategyAbsentIsFineWhileSwitchesAreOff() {
    StubProviders.Noop noop = new StubProviders.Noop();
    ProviderRegistry r = ProviderRegistry.of(List.of(noop));
    HandoffSettings s =
        settings(
            HandoffSettings.EMIT_STEPDOWN_STAMP,
            "false",
            HandoffSettings.CONSUME_STEPDOWN_STAMP,
            "false");
    assertSame(r.emitterProvider(s), noop, "r.emitterProvider(s)");
    assertSame(r.observerProvider(s), noop, "r.observerProvider(s)");
    assertSame(
        r.emitterProvider(HandoffSettings.defaults()),
        noop,
        "r.emitterProvider(HandoffSettings.defaults())");
  }

  @Test
  public void defaultStrategyAbsentFailsOnceASwitchIsOn() {
    ProviderRegistry r = ProviderRegistry.of(List.of(new StubProviders.Noop()));
    HandoffSettings s = settings(HandoffSettings.EMIT_STEPDOWN_STAMP, "true");
    assertEquals(
        expectThrows(HandoffConfigException.class, () -> r.emitterProvider(s)).getMessage(),
        "Unknown strategy 'stamp' for server.leader.handover.strategy. Available: [noop]",
        "message");
    assertTrue(r.observerProvider(s) instanceof StubProviders.Noop, "Noop");
  }

  @Test
  public void missingNoopNamesTheArtifact() {
    StubProviders.Stamp stamp = new StubProviders.Stamp();
    ProviderRegistry r = ProviderRegistry.of(List.of(stamp));
    IllegalStateException e =
        expectThrows(
            IllegalStateException.class, () -> r.emitterProvider(HandoffSettings.defaults()));
    assertTrue(e.getMessage().contains("io.handoff:handoff-noop"), e.getMessage());
    assertTrue(e.getMessage().contains("Available: [stamp]"), e.getMessage());
    IllegalStateException o =
        expectThrows(
            IllegalStateException.class, () -> r.observerProvider(HandoffSettings.defaults()));
    assertTrue(o.getMessage().contains("io.handoff:handoff-noop"), o.getMessage());

    // The switched-on side does not need noop; the other side does.
    HandoffSettings emit = settings(HandoffSettings.EMIT_STEPDOWN_STAMP, "true");
    assertSame(r.emitterProvider(emit), stamp, "r.emitterProvider(emit)");
    assertTrue(
        expectThrows(IllegalStateException.class, () -> r.observerProvider(emit))
            .getMessage()
            .contains("io.handoff:handoff-noop"),
        "message");
    assertEquals(
        ProviderRegistry.NOOP_ARTIFACT,
        "io.handoff:handoff-noop",
        "ProviderRegistry.NOOP_ARTIFACT");
    assertEquals(ProviderRegistry.NOOP, "noop", "ProviderRegistry.NOOP");
  }

  @Test
  public void providerByName() {
    StubProviders.Noop noop = new StubProviders.Noop();
    ProviderRegistry r = ProviderRegistry.of(List.of(noop, new StubProviders.Stamp()));
    assertSame(r.provider("noop"), noop, "r.provider(\"noop\")");
    IllegalStateException e = expectThrows(IllegalStateException.class, () -> r.provider("alpha"));
    assertEquals(
        e.getMessage(),
        "No leadership handoff provider named 'alpha'. Available: [noop, stamp]",
        "message");
  }

  // ---------------------------------------------------------------- LeadershipHandoffs

  @Test
  public void emitterIsTheSelectedProvidersProductAndIsLoggedOnce() {
    StubProviders.Noop noop = new StubProviders.Noop();
    StubProviders.Alpha alpha = new StubProviders.Alpha();
    ProviderRegistry r = ProviderRegistry.of(List.of(noop, alpha));
    HandoffSettings s =
        settings(
            HandoffSettings.EMIT_STEPDOWN_STAMP,
            "true",
            HandoffSettings.STRATEGY,
            "alpha",
            HandoffSettings.KAFKA_PREFIX + "bootstrap.servers",
            "broker:9092",
            HandoffSettings.KAFKA_PREFIX + "sasl.jaas.config",
            "JaasValue-Hh42-unique",
            HandoffSettings.KAFKA_PREFIX + "ssl.truststore.password",
            "TrustPw-Kk17-unique");
    CountingHandoffMetrics metrics = new CountingHandoffMetrics();

    try (LogCapture log = new LogCapture(LeadershipHandoffs.class)) {
      LeadershipHandoffEmitter emitter =
          LeadershipHandoffs.emitter(r, s, metrics, HostResources.none());
      LeadershipHandoffEmitter strategy = HandoffEngine.strategyOf(emitter);
      assertTrue(strategy instanceof StubProviders.StubEmitter, String.valueOf(emitter));
      StubProviders.StubEmitter stub = (StubProviders.StubEmitter) strategy;
      assertSame(stub.provider, alpha, "stub.provider");
      assertSame(stub.settings, s, "stub.settings");
      assertSame(stub.metrics, metrics, "stub.metrics");

      List<ILoggingEvent> infos = log.at(Level.INFO);
      assertEquals(infos.size(), 1, log.everything());
      assertEquals(log.events().size(), 1, log.everything());
      String line = infos.get(0).getFormattedMessage();
      assertTrue(
          line.startsWith("Leadership handoff emitter: provider 'alpha' (" + ALPHA + ")"), line);
      assertTrue(line.contains("server.leader.handover.kafka.bootstrap.servers=broker:9092"), line);
      assertTrue(line.contains("server.leader.handover.kafka.sasl.jaas.config=[hidden]"), line);
      assertTrue(
          line.contains("server.leader.handover.kafka.ssl.truststore.password=[hidden]"), line);
      assertFalse(log.everything().contains("JaasValue-Hh42-unique"), line);
      assertFalse(log.everything().contains("TrustPw-Kk17-unique"), line);
    }
  }

  @Test
  public void observerFactoryIsSelectedAndLoggedOnceAtCreation() {
    StubProviders.Noop noop = new StubProviders.Noop();
    StubProviders.Alpha alpha = new StubProviders.Alpha();
    ProviderRegistry r = ProviderRegistry.of(List.of(noop, alpha));
    HandoffSettings s =
        settings(
            HandoffSettings.EMIT_STEPDOWN_STAMP,
            "true",
            HandoffSettings.STRATEGY,
            "alpha",
            HandoffSettings.KAFKA_PREFIX + "ssl.key.password",
            "KeyPw-Mm23-unique");

    try (LogCapture log = new LogCapture(LeadershipHandoffs.class)) {
      HandoffObserverFactory factory = LeadershipHandoffs.observers(r, s, HandoffMetrics.NOOP);
      List<ILoggingEvent> infos = log.at(Level.INFO);
      assertEquals(infos.size(), 1, log.everything());
      assertEquals(log.events().size(), 1, log.everything());
      String line = infos.get(0).getFormattedMessage();
      assertTrue(
          line.startsWith("Leadership handoff observers: provider 'noop' (" + NOOP + ")"), line);
      assertTrue(line.contains("server.leader.handover.kafka.ssl.key.password=[hidden]"), line);
      assertFalse(log.everything().contains("KeyPw-Mm23-unique"), line);

      LeadershipHandoffObserver x = factory.open("storeX_v1", "host-a");
      LeadershipHandoffObserver y = factory.open("storeY_v2", "host-a");
      assertEquals(
          log.events().size(),
          1,
          "opening observers selects and logs nothing again: " + log.everything());

      HandoverEvidence evidence = HandoffEngine.evidenceOf(x);
      assertTrue(evidence instanceof StubProviders.StubEvidence, String.valueOf(x));
      StubProviders.StubEvidence stub = (StubProviders.StubEvidence) evidence;
      assertSame(stub.provider, noop, "consuming is off, so the observer is noop's");
      assertSame(stub.settings, s, "settings");
      assertSame(stub.metrics, HandoffMetrics.NOOP, "metrics");
      assertEquals(x.versionTopic(), "storeX_v1", "the first observer's topic");
      assertEquals(x.localWriterId(), "host-a", "the first observer's reader");
      assertEquals(y.versionTopic(), "storeY_v2", "the second observer's topic");
      assertNotSame(x, y, "one observer per version topic");
      assertNotSame(factory.open("storeX_v1", "host-a"), x, "each open returns a new observer");
    }

    CountingHandoffMetrics metrics = new CountingHandoffMetrics();
    HandoffSettings consume =
        settings(HandoffSettings.CONSUME_STEPDOWN_STAMP, "true", HandoffSettings.STRATEGY, "alpha");
    StubProviders.StubEvidence chosen =
        (StubProviders.StubEvidence)
            HandoffEngine.evidenceOf(
                LeadershipHandoffs.observers(r, consume, metrics).open("store_v1", "host-b"));
    assertSame(chosen.provider, alpha, "consuming is on, so the observer is the strategy's");
    assertSame(chosen.metrics, metrics, "metrics");
    assertEquals(chosen.localWriterId(), "host-b", "reader");
  }

  @Test
  public void observerFactorySelectionFailsAtCreation() {
    ProviderRegistry r = ProviderRegistry.of(List.of(new StubProviders.Noop()));
    HandoffSettings s =
        settings(HandoffSettings.CONSUME_STEPDOWN_STAMP, "true", HandoffSettings.STRATEGY, "alpha");
    try (LogCapture log = new LogCapture(LeadershipHandoffs.class)) {
      HandoffConfigException e =
          expectThrows(
              HandoffConfigException.class,
              () -> LeadershipHandoffs.observers(r, s, HandoffMetrics.NOOP));
      assertEquals(
          e.getMessage(),
          "Unknown strategy 'alpha' for server.leader.handover.strategy. Available: [noop]",
          "message");
      assertTrue(
          log.events().isEmpty(), "a failed selection is not logged as made: " + log.everything());
    }
  }

  @Test
  public void observerShortcutsOpenOneObserverFromProperties() {
    Properties empty = new Properties();
    IllegalStateException e =
        expectThrows(
            IllegalStateException.class,
            () -> LeadershipHandoffs.observer(empty, "store_v1", "host-a"));
    assertTrue(e.getMessage().contains("io.handoff:handoff-noop"), e.getMessage());
    assertEquals(
        expectThrows(
                NullPointerException.class,
                () -> LeadershipHandoffs.observer(null, "store_v1", "host-a"))
            .getMessage(),
        "properties is null",
        "message");
  }

  @Test
  public void factoriesRejectNulls() {
    ProviderRegistry r = ProviderRegistry.of(List.of(new StubProviders.Noop()));
    HandoffSettings s = HandoffSettings.defaults();
    assertEquals(
        expectThrows(
                NullPointerException.class,
                () ->
                    LeadershipHandoffs.emitter(null, s, HandoffMetrics.NOOP, HostResources.none()))
            .getMessage(),
        "registry is null",
        "message");
    assertEquals(
        expectThrows(
                NullPointerException.class,
                () ->
                    LeadershipHandoffs.emitter(r, null, HandoffMetrics.NOOP, HostResources.none()))
            .getMessage(),
        "settings is null",
        "message");
    assertEquals(
        expectThrows(
                NullPointerException.class,
                () -> LeadershipHandoffs.emitter(r, s, null, HostResources.none()))
            .getMessage(),
        "metrics is null",
        "message");
    assertEquals(
        expectThrows(
                NullPointerException.class,
                () -> LeadershipHandoffs.emitter(r, s, HandoffMetrics.NOOP, null))
            .getMessage(),
        "resources is null",
        "message");
    assertEquals(
        expectThrows(
                NullPointerException.class,
                () -> LeadershipHandoffs.observers(null, s, HandoffMetrics.NOOP))
            .getMessage(),
        "registry is null",
        "message");
    assertEquals(
        expectThrows(
                NullPointerException.class,
                () -> LeadershipHandoffs.observers(r, null, HandoffMetrics.NOOP))
            .getMessage(),
        "settings is null",
        "message");
    assertEquals(
        expectThrows(NullPointerException.class, () -> LeadershipHandoffs.observers(r, s, null))
            .getMessage(),
        "metrics is null",
        "message");
    assertEquals(
        expectThrows(
                NullPointerException.class, () -> LeadershipHandoffs.emitter((Properties) null))
            .getMessage(),
        "properties is null",
        "message");
    assertEquals(
        expectThrows(
                NullPointerException.class, () -> LeadershipHandoffs.observers((Properties) null))
            .getMessage(),
        "properties is null",
        "message");
    assertEquals(
        expectThrows(
                NullPointerException.class,
                () -> LeadershipHandoffs.observers((Properties) null, HandoffMetrics.NOOP))
            .getMessage(),
        "properties is null",
        "message");
  }

  @Test
  public void openRejectsNullAndBlankNames() {
    List<String> asked = new java.util.ArrayList<>();
    LeadershipHandoffProvider noop =
        new StubProviders.Base("noop") {
          @Override
          public HandoverEvidence newEvidence(
              HandoffSettings settings,
              HandoffMetrics metrics,
              String versionTopic,
              String localWriterId) {
            asked.add(versionTopic + "/" + localWriterId);
            return super.newEvidence(settings, metrics, versionTopic, localWriterId);
          }
        };
    ProviderRegistry r = ProviderRegistry.of(List.of(noop));
    HandoffObserverFactory factory =
        LeadershipHandoffs.observers(r, HandoffSettings.defaults(), HandoffMetrics.NOOP);
    assertEquals(
        expectThrows(NullPointerException.class, () -> factory.open(null, "host-a")).getMessage(),
        "versionTopic is null",
        "message");
    assertEquals(
        expectThrows(NullPointerException.class, () -> factory.open("store_v1", null)).getMessage(),
        "localWriterId is null",
        "message");
    assertEquals(
        expectThrows(IllegalArgumentException.class, () -> factory.open(" ", "host-a"))
            .getMessage(),
        "versionTopic and localWriterId must not be blank, got ' ' and 'host-a'",
        "message");
    assertEquals(
        expectThrows(IllegalArgumentException.class, () -> factory.open("store_v1", ""))
            .getMessage(),
        "versionTopic and localWriterId must not be blank, got 'store_v1' and ''",
        "message");
    assertEquals(asked, List.of(), "the provider never sees a bad name");
    factory.open("store_v1", "host-a");
    assertEquals(asked, List.of("store_v1/host-a"), "it sees good ones");
  }

  @Test
  public void providerReturningNullIsReported() {
    ProviderRegistry r =
        ProviderRegistry.of(List.of(new StubProviders.Noop(), new StubProviders.NullProducts()));
    HandoffSettings s =
        settings(
            HandoffSettings.EMIT_STEPDOWN_STAMP,
            "true",
            HandoffSettings.CONSUME_STEPDOWN_STAMP,
            "true",
            HandoffSettings.STRATEGY,
            "alpha");
    String cls = StubProviders.NullProducts.class.getName();
    assertEquals(
        expectThrows(
                NullPointerException.class,
                () -> LeadershipHandoffs.emitter(r, s, HandoffMetrics.NOOP, HostResources.none()))
            .getMessage(),
        "provider " + cls + " returned a null emitter",
        "message");
    HandoffObserverFactory factory = LeadershipHandoffs.observers(r, s, HandoffMetrics.NOOP);
    assertEquals(
        expectThrows(NullPointerException.class, () -> factory.open("store_v1", "host-a"))
            .getMessage(),
        "provider " + cls + " returned null evidence",
        "reported when opening");
  }

  @Test
  public void theOwnRegistryOfThisClassPathHasNoNoop() {
    ProviderRegistry own = LeadershipHandoffs.registry();
    assertNotNull(own, "own");
    assertSame(LeadershipHandoffs.registry(), own, "discovered once");
    assertTrue(own.names().isEmpty(), own.names().toString());
    assertTrue(own.broken().isEmpty(), own.broken().toString());
    assertTrue(
        LeadershipHandoffs.availableProviders().isEmpty(),
        "LeadershipHandoffs.availableProviders().isEmpty()");

    IllegalStateException e =
        expectThrows(
            IllegalStateException.class, () -> LeadershipHandoffs.emitter(new Properties()));
    assertTrue(e.getMessage().contains("io.handoff:handoff-noop"), e.getMessage());
    IllegalStateException o =
        expectThrows(
            IllegalStateException.class, () -> LeadershipHandoffs.observers(new Properties()));
    assertTrue(o.getMessage().contains("io.handoff:handoff-noop"), o.getMessage());
    IllegalStateException m =
        expectThrows(
            IllegalStateException.class,
            () ->
                LeadershipHandoffs.emitter(
                    HandoffSettings.defaults(),
                    new CountingHandoffMetrics(),
                    HostResources.none()));
    assertTrue(m.getMessage().contains("io.handoff:handoff-noop"), m.getMessage());

    Properties on = new Properties();
    on.setProperty(HandoffSettings.EMIT_STEPDOWN_STAMP, "true");
    HandoffConfigException c =
        expectThrows(HandoffConfigException.class, () -> LeadershipHandoffs.emitter(on));
    assertEquals(
        c.getMessage(),
        "Unknown strategy 'stamp' for server.leader.handover.strategy. Available: []",
        "message");
  }
}
