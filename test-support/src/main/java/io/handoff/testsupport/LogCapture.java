package io.handoff.testsupport;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import org.slf4j.LoggerFactory;

/**
 * Captures in memory the logback events of some loggers (and their children) while open, for a
 * try-with-resources block. Closing detaches the appender and restores any level it changed. Needs
 * logback-classic as the SLF4J binding of the test class path.
 *
 * <p>Events may arrive from any thread; reading them is thread-safe.
 */
public final class LogCapture implements AutoCloseable {

  private final List<Logger> loggers = new ArrayList<>();
  private final List<Level> previousLevels = new ArrayList<>();
  private final boolean debug;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  private LogCapture(List<String> loggerNames, boolean debug) {
    this.debug = debug;
    for (String name : loggerNames) {
      org.slf4j.Logger l = LoggerFactory.getLogger(name);
      if (!(l instanceof Logger logger)) {
        throw new AssertionError(
            "logback-classic is not the slf4j binding on the test class path: " + l.getClass());
      }
      loggers.add(logger);
    }
    appender.setContext(loggers.get(0).getLoggerContext());
    appender.setName("test-capture-" + System.identityHashCode(this));
    appender.start();
    for (Logger logger : loggers) {
      previousLevels.add(logger.getLevel());
      if (debug) {
        logger.setLevel(Level.DEBUG);
      }
      logger.addAppender(appender);
    }
  }

  /**
   * Starts capturing what {@code loggerName} and its descendants log, at their configured levels.
   */
  public static LogCapture on(String loggerName) {
    Objects.requireNonNull(loggerName, "loggerName is null");
    return new LogCapture(List.of(loggerName), false);
  }

  /** Starts capturing everything that reaches the root logger. */
  public static LogCapture root() {
    return new LogCapture(List.of(Logger.ROOT_LOGGER_NAME), false);
  }

  /**
   * Starts capturing the loggers of the given classes with their level set to DEBUG (restored on
   * close), so that a test sees what they log whatever the test logging configuration says.
   */
  public static LogCapture debug(Class<?>... sources) {
    if (sources.length == 0) {
      throw new IllegalArgumentException("no logger to capture");
    }
    List<String> names = new ArrayList<>();
    for (Class<?> source : sources) {
      names.add(source.getName());
    }
    return new LogCapture(names, true);
  }

  /** A snapshot of the events so far, in the order they were logged. */
  public List<ILoggingEvent> events() {
    // AppenderBase.doAppend synchronises on the appender while it adds to the list.
    synchronized (appender) {
      return new ArrayList<>(appender.list);
    }
  }

  /** The events at {@code level} or above that match {@code filter}. */
  public List<ILoggingEvent> events(Level level, Predicate<ILoggingEvent> filter) {
    List<ILoggingEvent> out = new ArrayList<>();
    for (ILoggingEvent e : events()) {
      if (e.getLevel().isGreaterOrEqual(level) && filter.test(e)) {
        out.add(e);
      }
    }
    return out;
  }

  /** Formatted messages of the events at {@code level} or above. */
  public List<String> messages(Level level) {
    List<String> out = new ArrayList<>();
    for (ILoggingEvent e : events(level, x -> true)) {
      out.add(e.getFormattedMessage());
    }
    return out;
  }

  /** The formatted messages of the events at exactly WARN, in order. */
  public List<String> warnings() {
    return warnings(e -> true);
  }

  /** The formatted WARN messages that {@code source}'s own logger wrote. */
  public List<String> warnings(Class<?> source) {
    return warnings(e -> e.getLoggerName().equals(source.getName()));
  }

  private List<String> warnings(Predicate<ILoggingEvent> filter) {
    List<String> out = new ArrayList<>();
    for (ILoggingEvent e : events()) {
      if (e.getLevel() == Level.WARN && filter.test(e)) {
        out.add(e.getFormattedMessage());
      }
    }
    return out;
  }

  /** Every captured event, level and message, one a line: for failure messages. */
  public String text() {
    StringBuilder sb = new StringBuilder();
    for (ILoggingEvent e : events()) {
      sb.append(e.getLevel()).append(' ').append(e.getFormattedMessage()).append('\n');
    }
    return sb.toString();
  }

  /**
   * Every text an event carries: its formatted message, its raw message pattern, each argument's
   * {@code toString()}, and the class name and message of its throwable and every cause.
   */
  public static List<String> texts(ILoggingEvent e) {
    List<String> texts = new ArrayList<>();
    texts.add(String.valueOf(e.getFormattedMessage()));
    texts.add(String.valueOf(e.getMessage()));
    Object[] args = e.getArgumentArray();
    if (args != null) {
      for (Object a : args) {
        texts.add(String.valueOf(a));
      }
    }
    int depth = 0;
    for (IThrowableProxy t = e.getThrowableProxy();
        t != null && depth < 20;
        t = t.getCause(), depth++) {
      texts.add(t.getClassName() + ": " + t.getMessage());
      for (IThrowableProxy s : t.getSuppressed()) {
        texts.add(s.getClassName() + ": " + s.getMessage());
      }
    }
    return texts;
  }

  /** Undoes a change when closed; closing never throws. */
  public interface Restore extends AutoCloseable {
    @Override
    void close();
  }

  /** Sets a logger's level and gives back a handle that restores the previous one. */
  public static Restore level(String loggerName, Level level) {
    Logger l = (Logger) LoggerFactory.getLogger(loggerName);
    Level previous = l.getLevel();
    l.setLevel(level);
    return () -> l.setLevel(previous);
  }

  @Override
  public void close() {
    for (int i = 0; i < loggers.size(); i++) {
      loggers.get(i).detachAppender(appender);
      if (debug) {
        loggers.get(i).setLevel(previousLevels.get(i));
      }
    }
    appender.stop();
  }
}
