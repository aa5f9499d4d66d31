package io.handoff.spi;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.regex.Pattern;

/**
 * One declared configuration key: the only place its name, type, default, valid values,
 * documentation and secrecy are stated. Parsing, defaults, validation, the effective configuration
 * and the documentation listing are all derived from these declarations: the spi's own in {@link
 * HandoffSettings#keys()}, each provider's in {@link LeadershipHandoffProvider#configKeys()}.
 *
 * <p>A problem is reported as {@code Invalid value 'x' for configuration y: reason}, with {@value
 * HandoffSettings#HIDDEN} in place of the value of a secret key.
 *
 * @param name the full property name, under {@value HandoffSettings#PREFIX}
 * @param type how a value is parsed
 * @param defaultValue the value used when the key is absent, or null for none (the key is optional,
 *     or its consumer decides)
 * @param validator what a parsed value must satisfy
 * @param doc what the key does, for people
 * @param secret whether the value must never be printed
 */
public record ConfigKey(
    String name, Type type, String defaultValue, Validator validator, String doc, boolean secret) {

  /** How a value is parsed. Strings are trimmed first. */
  public enum Type {
    /** {@code true} or {@code false}, case-insensitive, or a {@link Boolean}. */
    BOOLEAN,
    /** A whole number, or an integral {@link Number} ({@code Long}, {@code Integer}, ...). */
    LONG,
    /** Any text. */
    STRING
  }

  /** What a parsed value must satisfy, as Kafka's {@code ConfigDef.Validator}. */
  @FunctionalInterface
  public interface Validator {

    /**
     * Why {@code value} (already parsed to the key's type) is invalid, such as {@code must be at
     * most 5}, or null when it is valid. Must not repeat the value: a secret's value would leak.
     */
    String problem(Object value);

    /** The valid values, for documentation and type errors, such as {@code between 0 and 5}. */
    default String describe() {
      return "";
    }

    /** Accepts every value. */
    static Validator any() {
      return value -> null;
    }

    /** A whole number from {@code min} to {@code max}, both included. */
    static Validator range(long min, long max) {
      return new Validator() {
        @Override
        public String problem(Object value) {
          long v = (Long) value;
          if (v < min) {
            return "must be at least " + min;
          }
          return v > max ? "must be at most " + max : null;
        }

        @Override
        public String describe() {
          return "between " + min + " and " + max;
        }
      };
    }

    /** One of {@code allowed}, exactly. */
    static Validator oneOf(String... allowed) {
      List<String> values = List.of(allowed);
      return new Validator() {
        @Override
        public String problem(Object value) {
          return values.contains(value) ? null : "must be one of " + values;
        }

        @Override
        public String describe() {
          return "one of " + values;
        }
      };
    }

    /**
     * A name {@value HandoffSettings#STRATEGY} can select: lower-case letters, digits, '-' or '_',
     * starting with a letter, and none of the words that name other keys under the prefix.
     */
    static Validator providerName() {
      return new Validator() {
        @Override
        public String problem(Object value) {
          String s = (String) value;
          if (s.isEmpty()) {
            return "must name a provider, such as 'noop' or 'stamp'";
          }
          if (!PROVIDER_NAME.matcher(s).matches()) {
            return "must be a provider name: lower-case letters, digits, '-' or '_', starting with a letter";
          }
          return RESERVED_NAMES.contains(s)
              ? "must not be one of the reserved words " + RESERVED_NAMES
              : null;
        }

        @Override
        public String describe() {
          return "a provider name";
        }
      };
    }
  }

  private static final Pattern PROVIDER_NAME = Pattern.compile("[a-z][a-z0-9_-]*");

  /** Words a strategy may not be named, because keys under them mean something else. */
  static final List<String> RESERVED_NAMES = List.of("consume", "emit", "kafka", "strategy");

  /**
   * Checks the declaration.
   *
   * @throws NullPointerException if anything but {@code defaultValue} is null
   * @throws IllegalArgumentException if the name is not under {@value HandoffSettings#PREFIX} or
   *     the default is itself invalid
   */
  public ConfigKey {
    requireNonNull(name, "name is null");
    requireNonNull(type, "type is null");
    requireNonNull(validator, "validator is null");
    requireNonNull(doc, "doc is null");
    if (!name.startsWith(HandoffSettings.PREFIX) || name.equals(HandoffSettings.PREFIX)) {
      throw new IllegalArgumentException(
          "Configuration key '" + name + "' must be a name under " + HandoffSettings.PREFIX);
    }
    if (defaultValue != null) {
      String problem = checkDeclared(name, type, validator, secret, defaultValue);
      if (problem != null) {
        throw new IllegalArgumentException("The default of " + name + " is invalid: " + problem);
      }
    }
  }

  /** A boolean key. */
  public static ConfigKey bool(String name, boolean defaultValue, String doc) {
    return new ConfigKey(
        name, Type.BOOLEAN, Boolean.toString(defaultValue), Validator.any(), doc, false);
  }

  /** A whole-number key from {@code min} to {@code max}; {@code defaultValue} may be null. */
  public static ConfigKey number(String name, Long defaultValue, long min, long max, String doc) {
    return new ConfigKey(
        name,
        Type.LONG,
        defaultValue == null ? null : defaultValue.toString(),
        Validator.range(min, max),
        doc,
        false);
  }

  /** A text key; {@code defaultValue} may be null. */
  public static ConfigKey string(
      String name, String defaultValue, Validator validator, String doc) {
    return new ConfigKey(name, Type.STRING, defaultValue, validator, doc, false);
  }

  /** A text key whose value must never be printed, with no default. */
  public static ConfigKey secret(String name, String doc) {
    return new ConfigKey(name, Type.STRING, null, Validator.any(), doc, true);
  }

  /**
   * The problem with {@code value} for this key, as {@code Invalid value 'x' for configuration y:
   * reason}, or null if it is valid. An absent value (null) is valid: the default applies.
   */
  public String problem(Object value) {
    return value == null ? null : checkDeclared(name, type, validator, secret, value);
  }

  /**
   * {@code value} parsed to this key's type ({@link Boolean}, {@link Long} or trimmed {@link
   * String}), or the parsed default when it is null.
   *
   * @throws HandoffConfigException if the value is invalid
   */
  public Object parse(Object value) {
    Object v = value == null ? defaultValue : value;
    if (v == null) {
      return null;
    }
    String problem = checkDeclared(name, type, validator, secret, v);
    if (problem != null) {
      throw new HandoffConfigException(problem);
    }
    return typed(type, Secret.reveal(v), v);
  }

  private static String checkDeclared(
      String name, Type type, Validator validator, boolean secret, Object value) {
    String text = Secret.reveal(value);
    Object parsed = typed(type, text, value);
    String reason;
    if (parsed == null) {
      String valid = validator.describe();
      reason =
          (type == Type.BOOLEAN ? "must be true or false" : "must be a whole number")
              + (type == Type.LONG && !valid.isEmpty() ? " " + valid : "");
    } else {
      reason = validator.problem(parsed);
    }
    if (reason == null) {
      return null;
    }
    boolean hide = secret || value instanceof Secret;
    return "Invalid value '"
        + (hide ? HandoffSettings.HIDDEN : text)
        + "' for configuration "
        + name
        + ": "
        + reason;
  }

  /** The typed value, or null if {@code text} does not parse as {@code type}. */
  private static Object typed(Type type, String text, Object original) {
    switch (type) {
      case BOOLEAN:
        if (original instanceof Boolean b) {
          return b;
        }
        String b = text.trim();
        return b.equalsIgnoreCase("true")
            ? Boolean.TRUE
            : b.equalsIgnoreCase("false") ? Boolean.FALSE : null;
      case LONG:
        if (original instanceof Long
            || original instanceof Integer
            || original instanceof Short
            || original instanceof Byte) {
          return ((Number) original).longValue();
        }
        try {
          return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
          return null;
        }
      default:
        return text.trim();
    }
  }
}
