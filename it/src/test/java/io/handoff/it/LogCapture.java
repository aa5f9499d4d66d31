package io.handoff.it;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.LoggerFactory;

/**
 * Captures the logback events of one logger (and its children) in memory while open. Closing
 * detaches the appender again.
 */
final class LogCapture implements AutoCloseable {

  private final Logger logger;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  private LogCapture(String loggerName) {
    this.logger = (Logger) LoggerFactory.getLogger(loggerName);
    appender.setContext(logger.getLoggerContext());
    appender.setName("it-capture-" + System.identityHashCode(this));
    appender.start();
    logger.addAppender(appender);
  }

  /** Starts capturing what {@code loggerName} and its descendants log. */
  static LogCapture on(String loggerName) {
    return new LogCapture(loggerName);
  }

  /** Starts capturing everything that reaches the root logger. */
  static LogCapture root() {
    return new LogCapture(Logger.ROOT_LOGGER_NAME);
  }

  /** A snapshot of the events so far. */
  List<ILoggingEvent> events() {
    // AppenderBase.doAppend synchronises on the appender while it adds to the list.
    synchronized (appender) {
      return new ArrayList<>(appender.list);
    }
  }

  /** The events at {@code level} or above that match {@code filter}. */
  List<ILoggingEvent> events(Level level, Predicate<ILoggingEvent> filter) {
    List<ILoggingEvent> out = new ArrayList<>();
    for (ILoggingEvent e : events()) {
      if (e.getLevel().isGreaterOrEqual(level) && filter.test(e)) {
        out.add(e);
      }
    }
    return out;
  }

  /** Formatted messages of the events at {@code level} or above. */
  List<String> messages(Level level) {
    List<String> out = new ArrayList<>();
    for (ILoggingEvent e : events(level, x -> true)) {
      out.add(e.getFormattedMessage());
    }
    return out;
  }

  /**
   * Every text an event carries: its formatted message, its raw message pattern, each argument's
   * {@code toString()}, and the class name and message of its throwable and every cause.
   */
  static List<String> texts(ILoggingEvent e) {
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
  interface Restore extends AutoCloseable {
    @Override
    void close();
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    appender.stop();
  }

  /** Sets a logger's level and gives back a handle that restores the previous one. */
  static Restore level(String loggerName, Level level) {
    Logger l = (Logger) LoggerFactory.getLogger(loggerName);
    Level previous = l.getLevel();
    l.setLevel(level);
    return () -> l.setLevel(previous);
  }
}
