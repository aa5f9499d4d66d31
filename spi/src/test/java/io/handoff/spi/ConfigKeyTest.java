package io.handoff.spi;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNotEquals;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.expectThrows;

import io.handoff.spi.ConfigKey.Type;
import io.handoff.spi.ConfigKey.Validator;
import org.testng.annotations.Test;

/**
 * A {@link ConfigKey} as a provider declares it: names under the prefix only, keys without a
 * default, type errors that say what is expected and nothing more, secrets hidden in every problem,
 * the validators' messages and descriptions; and {@link Secret}, which compares and reveals by
 * value but never prints it.
 */
public class ConfigKeyTest {

  private static final String NAME = HandoffSettings.PREFIX + "alpha.retries";

  @Test
  public void aKeyMustBeNamedUnderThePrefixAndNotBeThePrefixItself() {
    for (String name : new String[] {"alpha.retries", HandoffSettings.PREFIX}) {
      assertEquals(
          expectThrows(
                  IllegalArgumentException.class,
                  () -> ConfigKey.string(name, null, Validator.any(), "doc"))
              .getMessage(),
          "Configuration key '" + name + "' must be a name under server.leader.handover.");
    }
  }

  @Test
  public void aNumberKeyWithoutDefaultIsAbsentUntilGiven() {
    ConfigKey k = ConfigKey.number(NAME, null, 1, 5, "How often.");
    assertEquals(k.type(), Type.LONG, "type");
    assertNull(k.defaultValue(), "no default");
    assertNull(k.parse(null), "absent");
    assertNull(k.problem(null), "absent is no problem");
    assertEquals(k.parse(" 3 "), 3L, "given");
    assertEquals(
        expectThrows(HandoffConfigException.class, () -> k.parse("9")).errors(),
        java.util.List.of(
            "Invalid value '9' for configuration server.leader.handover.alpha.retries: must be at"
                + " most 5"));
    assertEquals(
        k.problem(0L),
        "Invalid value '0' for configuration server.leader.handover.alpha.retries: must be at least"
            + " 1");
    ConfigKey withDefault = ConfigKey.number(NAME, 2L, 1, 5, "How often.");
    assertEquals(withDefault.defaultValue(), "2", "the default as text");
    assertEquals(withDefault.parse(null), 2L, "the default parsed");
  }

  @Test
  public void aStringKeyWithoutDefaultIsAbsentUntilGiven() {
    ConfigKey k = ConfigKey.string(NAME, null, Validator.any(), "A name.");
    assertNull(k.parse(null), "absent, not the text 'null'");
    assertEquals(k.parse(" b "), "b", "trimmed");
  }

  @Test
  public void typeErrorsSayWhatIsExpectedAndNothingMore() {
    ConfigKey anyNumber = new ConfigKey(NAME, Type.LONG, null, Validator.any(), "doc", false);
    assertEquals(
        anyNumber.problem("x"),
        "Invalid value 'x' for configuration server.leader.handover.alpha.retries: must be a whole"
            + " number");
    Validator onlyTrue =
        new Validator() {
          @Override
          public String problem(Object value) {
            return Boolean.TRUE.equals(value) ? null : "must be true";
          }

          @Override
          public String describe() {
            return "true only";
          }
        };
    ConfigKey flag = new ConfigKey(NAME, Type.BOOLEAN, null, onlyTrue, "doc", false);
    assertEquals(
        flag.problem("maybe"),
        "Invalid value 'maybe' for configuration server.leader.handover.alpha.retries: must be true"
            + " or false");
    assertEquals(
        flag.problem("false"),
        "Invalid value 'false' for configuration server.leader.handover.alpha.retries: must be"
            + " true");
  }

  @Test
  public void aSecretIsHiddenInEveryProblemWhateverItsKey() {
    ConfigKey password =
        new ConfigKey(NAME, Type.STRING, null, Validator.oneOf("a", "b"), "doc", true);
    assertEquals(
        password.problem("hunter2"),
        "Invalid value '[hidden]' for configuration server.leader.handover.alpha.retries: must be"
            + " one of [a, b]");
    ConfigKey plain = ConfigKey.number(NAME, null, 1, 5, "doc");
    assertEquals(
        plain.problem(new Secret("hunter2")),
        "Invalid value '[hidden]' for configuration server.leader.handover.alpha.retries: must be a"
            + " whole number between 1 and 5",
        "a value passed as a Secret stays hidden under any key");
    assertEquals(
        plain.problem("hunter2"),
        "Invalid value 'hunter2' for configuration server.leader.handover.alpha.retries: must be a"
            + " whole number between 1 and 5",
        "a plain value under a plain key is shown");
  }

  @Test
  public void validatorsDescribeTheValidValues() {
    assertEquals(Validator.any().describe(), "", "any");
    assertEquals(Validator.range(1, 5).describe(), "between 1 and 5", "range");
    assertEquals(Validator.oneOf("a", "b").describe(), "one of [a, b]", "oneOf");
    assertEquals(Validator.providerName().describe(), "a provider name", "providerName");
  }

  @Test
  public void providerNamesAreCheckedWithAReason() {
    Validator v = Validator.providerName();
    assertEquals(v.problem(""), "must name a provider, such as 'noop' or 'stamp'");
    assertEquals(
        v.problem("Stamp"),
        "must be a provider name: lower-case letters, digits, '-' or '_', starting with a letter");
    assertEquals(
        v.problem("kafka"),
        "must not be one of the reserved words [consume, emit, kafka, strategy]");
    assertNull(v.problem("stamp-2_b"), "valid");
  }

  @Test
  public void aSecretComparesAndRevealsByValueButNeverPrintsIt() {
    Secret s = new Secret("hunter2");
    assertEquals(s.reveal(), "hunter2", "reveal");
    assertEquals(s.toString(), "[hidden]", "toString");
    assertEquals(s, new Secret("hunter2"), "equal by value");
    assertEquals(s.hashCode(), new Secret("hunter2").hashCode(), "hash by value");
    assertNotEquals(s, new Secret("hunter3"), "another value");
    assertFalse(s.equals("hunter2"), "not the clear text");
    assertEquals(Secret.reveal(s), "hunter2", "reveal of a secret");
    assertEquals(Secret.reveal(42L), "42", "reveal of anything else");
    assertEquals(
        expectThrows(NullPointerException.class, () -> new Secret(null)).getMessage(),
        "value is null");
  }
}
