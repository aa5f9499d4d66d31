package io.handoff.spi;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertSame;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import java.util.concurrent.CompletableFuture;
import org.testng.annotations.Test;

/**
 * {@link HostResources} hands a strategy exactly what the host lent: a resource is found only under
 * the type it was added with (never under a supertype or subtype), one resource per type (a second
 * one is refused naming the type), a resource must be an instance of its type, {@link
 * HostResources#none()} lends nothing, a built instance does not change with its builder, and
 * {@code toString} names the lent types (it is logged when an emitter is created).
 */
public class HostResourcesTest {

  private static final WriteBarrier DONE =
      (topic, partition) -> CompletableFuture.completedFuture(null);

  @Test
  public void aResourceIsFoundUnderTheTypeItWasAddedWith() {
    HostResources r = HostResources.of(WriteBarrier.class, DONE);
    assertTrue(r.find(WriteBarrier.class).isPresent(), "found under its own type");
    assertSame(r.find(WriteBarrier.class).get(), DONE, "the very instance the host lent");
  }

  @Test
  public void aResourceIsFoundByExactTypeOnlyNeverBySupertypeOrSubtype() {
    // A strategy asking for a supertype (Object) or a subtype (String) of what was lent gets
    // nothing: what a strategy receives is what the host meant to lend under that name.
    HostResources r = HostResources.of(CharSequence.class, "host-a");
    assertEquals(r.find(CharSequence.class).orElse(null), "host-a", "exact type");
    assertFalse(r.find(String.class).isPresent(), "a subtype of the lent type finds nothing");
    assertFalse(r.find(Object.class).isPresent(), "a supertype of the lent type finds nothing");
    assertFalse(
        r.find(Comparable.class).isPresent(), "another interface of the instance finds nothing");
  }

  @Test
  public void oneInstanceMayBeLentUnderTwoTypes() {
    String both = "shared";
    HostResources r =
        HostResources.builder().add(CharSequence.class, both).add(String.class, both).build();
    assertSame(r.find(CharSequence.class).orElse(null), both, "under CharSequence");
    assertSame(r.find(String.class).orElse(null), both, "under String");
  }

  @Test
  public void aSecondResourceOfOneTypeIsRefusedNamingTheType() {
    WriteBarrier other = (topic, partition) -> new CompletableFuture<>();
    HostResources.Builder b = HostResources.builder().add(WriteBarrier.class, DONE);
    IllegalArgumentException e =
        expectThrows(IllegalArgumentException.class, () -> b.add(WriteBarrier.class, other));
    assertTrue(
        e.getMessage().contains(WriteBarrier.class.getName()),
        "the message names the type: " + e.getMessage());
    assertTrue(e.getMessage().contains("added already"), e.getMessage());
    // The refusal leaves the first resource in place: the host cannot overwrite it by accident.
    assertSame(b.build().find(WriteBarrier.class).orElse(null), DONE, "the first resource is kept");
    expectThrows(IllegalArgumentException.class, () -> b.add(WriteBarrier.class, DONE));
  }

  @Test
  @SuppressWarnings({"unchecked", "rawtypes"})
  public void aResourceThatIsNotAnInstanceOfItsTypeIsRefused() {
    // Generics stop this at compile time; raw types (or a Class from reflection) get past them.
    Class raw = Integer.class;
    HostResources.Builder b = HostResources.builder();
    IllegalArgumentException e =
        expectThrows(IllegalArgumentException.class, () -> b.add(raw, "not a number"));
    assertEquals(
        e.getMessage(), "java.lang.String is not a java.lang.Integer", "names both classes");
    assertFalse(b.build().find(Integer.class).isPresent(), "nothing was added");
  }

  @Test
  public void nullsAreProgrammingErrors() {
    HostResources.Builder b = HostResources.builder();
    assertEquals(
        expectThrows(NullPointerException.class, () -> b.add(null, "x")).getMessage(),
        "type is null");
    assertEquals(
        expectThrows(NullPointerException.class, () -> b.add(String.class, null)).getMessage(),
        "resource is null");
    assertEquals(
        expectThrows(NullPointerException.class, () -> HostResources.none().find(null))
            .getMessage(),
        "type is null");
    assertEquals(
        expectThrows(NullPointerException.class, () -> HostResources.of(WriteBarrier.class, null))
            .getMessage(),
        "resource is null");
  }

  @Test
  public void noneLendsNothing() {
    HostResources none = HostResources.none();
    assertFalse(none.find(WriteBarrier.class).isPresent(), "no barrier");
    assertFalse(none.find(Object.class).isPresent(), "nothing at all");
    assertSame(HostResources.none(), none, "one shared instance");
    assertSame(HostResources.builder().build(), none, "an empty builder builds none()");
    assertEquals(none.toString(), "HostResources[]", "toString of nothing");
  }

  @Test
  public void aBuiltInstanceDoesNotChangeWithItsBuilder() {
    HostResources.Builder b = HostResources.builder().add(WriteBarrier.class, DONE);
    HostResources built = b.build();
    b.add(CharSequence.class, "later");
    assertFalse(
        built.find(CharSequence.class).isPresent(),
        "added after build(): not in the built instance");
    assertTrue(b.build().find(CharSequence.class).isPresent(), "but in the next one");
    assertTrue(built.find(WriteBarrier.class).isPresent(), "what was built stays");
  }

  @Test
  public void toStringListsTheLentTypes() {
    HostResources r =
        HostResources.builder()
            .add(WriteBarrier.class, DONE)
            .add(CharSequence.class, "secret-value")
            .build();
    String s = r.toString();
    assertTrue(s.startsWith("HostResources["), s);
    assertTrue(
        s.contains(WriteBarrier.class.getName()),
        "names " + WriteBarrier.class.getName() + ": " + s);
    assertTrue(
        s.contains(CharSequence.class.getName()),
        "names " + CharSequence.class.getName() + ": " + s);
    // Logged when an emitter is created: types only, never the resources themselves.
    assertFalse(s.contains("secret-value"), "a resource's own toString is not logged: " + s);
    assertEquals(
        HostResources.of(WriteBarrier.class, DONE).toString(),
        "HostResources[" + WriteBarrier.class.getName() + "]",
        "one type");
  }
}
