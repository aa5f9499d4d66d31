package io.handoff.spi;

import static org.testng.Assert.assertNotNull;
import static org.testng.Assert.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.testng.annotations.Test;

/** The SPI jar must stay free of Kafka, Avro and Guice so that any host can depend on it. */
public class SpiJarIT {

  private static final String[] FORBIDDEN = {
    "org/apache/kafka",
    "org/apache/avro",
    "com/google/inject",
    "org.apache.kafka",
    "org.apache.avro",
    "com.google.inject"
  };

  @Test
  public void jarReferencesNoKafkaAvroOrGuice() throws Exception {
    String path = System.getProperty("handoff.built.jar");
    assertNotNull(path, "handoff.built.jar is set by the build");
    List<String> offences = new ArrayList<>();
    int classes = 0;
    try (JarFile jar = new JarFile(new File(path))) {
      for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
        JarEntry entry = e.nextElement();
        if (entry.isDirectory()) {
          continue;
        }
        classes += entry.getName().endsWith(".class") ? 1 : 0;
        // Class files keep referenced type names as plain UTF-8 in the constant pool.
        String content =
            new String(jar.getInputStream(entry).readAllBytes(), StandardCharsets.ISO_8859_1);
        for (String f : FORBIDDEN) {
          if (content.contains(f)) {
            offences.add(entry.getName() + " -> " + f);
          }
        }
      }
    }
    assertTrue(classes > 10, "expected the SPI classes in " + path + ", found " + classes);
    assertTrue(offences.isEmpty(), "forbidden references: " + offences);
  }
}
