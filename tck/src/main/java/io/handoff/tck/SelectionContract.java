package io.handoff.tck;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNotNull;
import static org.testng.Assert.assertSame;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import io.handoff.spi.EmitStatus;
import io.handoff.spi.HandoffConfigException;
import io.handoff.spi.HandoffMetrics;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.HostResources;
import io.handoff.spi.LeadershipHandoffEmitter;
import io.handoff.spi.LeadershipHandoffObserver;
import io.handoff.spi.LeadershipHandoffProvider;
import io.handoff.spi.LeadershipHandoffs;
import io.handoff.spi.ProviderInfo;
import io.handoff.spi.ProviderRegistry;
import java.lang.reflect.Modifier;
import java.util.EnumSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;
import org.testng.annotations.Test;

/**
 * The provider's contract with discovery and selection: a short stable name that {@code
 * server.leader.handover.strategy} can select, a public no-argument constructor, registration for
 * {@link java.util.ServiceLoader}, and the switches of {@link LeadershipHandoffs} choosing it or
 * the no-op strategy, side by side. These are the rules about the provider object itself; they call
 * it directly.
 *
 * <pre>{@code
 * public class AcmeSelectionContractTest extends SelectionContract {
 *   protected LeadershipHandoffProvider newProvider() { return new AcmeProvider(); }
 * }
 * }</pre>
 */
public abstract class SelectionContract extends ProviderContract {

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]*");

  /** The selection rules hold whatever the strategy does: none of them depends on a capability. */
  @Override
  protected final Set<Capability> capabilities() {
    return EnumSet.noneOf(Capability.class);
  }

  @Test
  public void nameIsShortStableAndWellFormed() {
    String name = newProvider().name();
    assertNotNull(name, "name()");
    assertTrue(NAME.matcher(name).matches(), "name '" + name + "' must match " + NAME);
    assertTrue(
        HandoffSettings.isValidProviderName(name),
        "name '" + name + "' must be one " + HandoffSettings.STRATEGY + " can select");
    assertEquals(newProvider().name(), name, "two instances must have the same name");
    LeadershipHandoffProvider one = newProvider();
    assertEquals(one.name(), one.name(), "name() must not change between calls");
  }

  @Test
  public void providerCanBeInstantiatedByServiceLoader() throws Exception {
    Class<?> type = newProvider().getClass();
    assertTrue(Modifier.isPublic(type.getModifiers()), type + " must be public");
    Object again = type.getConstructor().newInstance();
    assertTrue(again instanceof LeadershipHandoffProvider, type + " is a provider");
  }

  @Test
  public void providerIsRegisteredForServiceLoader() {
    LeadershipHandoffProvider provider = newProvider();
    ProviderRegistry found = ProviderRegistry.load(provider.getClass().getClassLoader());
    List<ProviderInfo> infos = found.providers();
    assertTrue(
        infos.stream()
            .anyMatch(
                i ->
                    i.name().equals(provider.name())
                        && i.className().equals(provider.getClass().getName())),
        provider.getClass().getName()
            + " must be listed in META-INF/services/"
            + LeadershipHandoffProvider.class.getName()
            + "; found "
            + infos);
  }

  @Test
  public void selectionHonoursTheSwitches() {
    ProviderRegistry registry = registry();
    LeadershipHandoffProvider noop = registry.provider(ProviderRegistry.NOOP);
    String name = newProvider().name();
    assertEquals(registry.emitterProvider(settings(true, false)).name(), name, "emit on");
    assertSame(registry.emitterProvider(settings(false, true)), noop, "emit off selects noop");
    assertEquals(registry.observerProvider(settings(false, true)).name(), name, "consume on");
    assertSame(registry.observerProvider(settings(true, false)), noop, "consume off selects noop");

    try (LeadershipHandoffEmitter e =
        LeadershipHandoffs.emitter(
            registry, settings(true, true), HandoffMetrics.NOOP, hostResources())) {
      assertNotNull(e, "the emitter a host gets with both switches on");
    }
    LeadershipHandoffObserver o =
        LeadershipHandoffs.observers(registry, settings(true, true), HandoffMetrics.NOOP)
            .open(topic(), "tck-reader");
    assertEquals(o.versionTopic(), topic(), "opened for the topic asked for");
    assertEquals(o.localWriterId(), "tck-reader", "opened for the reader asked for");
  }

  @Test
  public void switchedOffNeitherSideNeedsTheBackendOrTheHost() {
    // No base properties at all: whatever the strategy needs to reach its backend is missing.
    Properties p = new Properties();
    p.setProperty(HandoffSettings.STRATEGY, newProvider().name());
    HandoffSettings off = HandoffSettings.from(p);
    try (LeadershipHandoffEmitter e =
        LeadershipHandoffs.emitter(registry(), off, HandoffMetrics.NOOP, HostResources.none())) {
      assertEquals(
          e.emitStepDown(stepDown(0, nextTerm())).status(),
          EmitStatus.SKIPPED_DISABLED,
          "emitting off");
    }
    LeadershipHandoffObserver o =
        LeadershipHandoffs.observers(registry(), off, HandoffMetrics.NOOP)
            .open(topic(), "tck-reader");
    assertFalse(o.canSkipInactivityWait(0, 1), "consuming off");
  }

  @Test
  public void anUnknownStrategyIsRefusedNamingTheKnownOnes() {
    String name = newProvider().name();
    Properties p = new Properties();
    p.putAll(baseProperties());
    p.setProperty(HandoffSettings.EMIT_STEPDOWN_STAMP, "true");
    p.setProperty(HandoffSettings.STRATEGY, name + "-missing");
    HandoffSettings unknown = HandoffSettings.from(p);
    HandoffConfigException e =
        expectThrows(
            HandoffConfigException.class,
            () ->
                LeadershipHandoffs.emitter(
                    registry(), unknown, HandoffMetrics.NOOP, hostResources()));
    assertTrue(e.getMessage().contains(name + "-missing"), "names the value: " + e.getMessage());
    assertTrue(e.getMessage().contains(name), "names the known strategy: " + e.getMessage());
  }

  @Test
  public void twoProvidersOfOneNameAreRefusedNamingBoth() {
    LeadershipHandoffProvider first = newProvider();
    IllegalStateException e =
        expectThrows(
            IllegalStateException.class, () -> ProviderRegistry.of(List.of(first, newProvider())));
    assertTrue(e.getMessage().contains("'" + first.name() + "'"), e.getMessage());
    assertTrue(e.getMessage().contains(first.getClass().getName()), e.getMessage());
  }
}
