package io.handoff.bench;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;
import org.openjdk.jol.vm.VM;
import org.openjdk.jol.vm.VirtualMachine;

/**
 * The bytes of every object reachable from some roots, as JOL's {@code GraphLayout} counts them,
 * but with a boundary: objects a predicate names (a thread, a class loader, a producer measured
 * apart, state shared by every instance) are neither counted nor walked. JOL's own graph walk
 * cannot stop, and from an executor it reaches the thread, its group and every class loaded.
 *
 * <p>Sizes and field reads come from JOL's view of the running VM, so the walk needs no {@code
 * --add-opens}.
 */
final class RetainedSize {

  private static final Map<Class<?>, List<Function<Object, Object>>> REFERENCE_FIELDS =
      new ConcurrentHashMap<>();

  private final Predicate<Object> boundary;
  private final Map<Class<?>, Long> byClass = new HashMap<>();
  private long bytes;

  private RetainedSize(Predicate<Object> boundary) {
    this.boundary = boundary;
  }

  /** The walk never crosses these: a JVM's threads, class loaders and classes are not state. */
  static boolean jvmMachinery(Object o) {
    return o instanceof Thread
        || o instanceof ThreadGroup
        || o instanceof ClassLoader
        || o instanceof Class
        || o instanceof org.slf4j.Logger;
  }

  /**
   * Bytes of everything reachable from {@code root}, each object once, not counting or crossing
   * objects in {@code shared} (by identity) nor those {@link #jvmMachinery} names.
   */
  static long of(Object root, Object... shared) {
    return walked(root, shared).bytes;
  }

  /** As {@link #of}, by class. */
  static Map<Class<?>, Long> byClass(Object root, Object... shared) {
    return walked(root, shared).byClass;
  }

  /** The classes whose bytes grew most from {@code before} to {@code after}, with the growth. */
  static String largestGrowth(Map<Class<?>, Long> before, Map<Class<?>, Long> after, int limit) {
    Map<Class<?>, Long> growth = new HashMap<>(after);
    before.forEach((c, b) -> growth.merge(c, -b, Long::sum));
    StringBuilder s = new StringBuilder();
    growth.entrySet().stream()
        .sorted(Map.Entry.<Class<?>, Long>comparingByValue().reversed())
        .limit(limit)
        .forEach(
            e ->
                s.append(
                    String.format(
                        java.util.Locale.ROOT,
                        "%s %+,d B; ",
                        e.getKey().getSimpleName(),
                        e.getValue())));
    return s.toString();
  }

  private static RetainedSize walked(Object root, Object... shared) {
    Set<Object> stop = Collections.newSetFromMap(new IdentityHashMap<>());
    Collections.addAll(stop, shared);
    RetainedSize walk = new RetainedSize(o -> stop.contains(o) || jvmMachinery(o));
    walk.walk(root);
    return walk;
  }

  private void walk(Object root) {
    VirtualMachine vm = VM.current();
    Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    Deque<Object> todo = new ArrayDeque<>();
    todo.push(root);
    while (!todo.isEmpty()) {
      Object o = todo.pop();
      if (boundary.test(o) || !seen.add(o)) {
        continue;
      }
      long size = vm.sizeOf(o);
      bytes += size;
      byClass.merge(o.getClass(), size, Long::sum);
      Class<?> c = o.getClass();
      if (c.isArray()) {
        if (!c.getComponentType().isPrimitive()) {
          int n = Array.getLength(o);
          for (int i = 0; i < n; i++) {
            push(todo, Array.get(o, i));
          }
        }
        continue;
      }
      for (Function<Object, Object> read : referenceFields(c)) {
        push(todo, read.apply(o));
      }
    }
  }

  private static void push(Deque<Object> todo, Object o) {
    if (o != null) {
      todo.push(o);
    }
  }

  /** Reads of an object's reference fields, its superclasses' included. */
  private static List<Function<Object, Object>> referenceFields(Class<?> type) {
    return REFERENCE_FIELDS.computeIfAbsent(
        type,
        c -> {
          List<Function<Object, Object>> reads = new ArrayList<>();
          for (Class<?> k = c; k != null; k = k.getSuperclass()) {
            for (Field f : k.getDeclaredFields()) {
              if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) {
                continue;
              }
              if (k.isHidden()) {
                // A lambda's captures: Unsafe has no offsets for hidden classes, reflection reads
                // them where their module lets it (the JDK's own lambdas are left unwalked: a
                // comparator's key function, a few bytes).
                if (f.trySetAccessible()) {
                  reads.add(o -> read(f, o));
                }
              } else {
                long offset = VM.current().fieldOffset(f);
                reads.add(o -> VM.current().getObject(o, offset));
              }
            }
          }
          return reads;
        });
  }

  private static Object read(Field f, Object o) {
    try {
      return f.get(o);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("cannot read " + f, e);
    }
  }
}
