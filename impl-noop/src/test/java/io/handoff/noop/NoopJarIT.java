package io.handoff.noop;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertNotNull;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.testng.annotations.Test;

/** Opens the packaged jar, not the classes folder: what a server puts on its class path. */
public class NoopJarIT {

  @Test
  public void jarRegistersTheNoopProvider() throws Exception {
    String path = System.getProperty("handoff.built.jar");
    assertNotNull(path, "handoff.built.jar is set by the build");
    try (JarFile jar = new JarFile(new File(path))) {
      ZipEntry entry = jar.getEntry("META-INF/services/io.handoff.spi.LeadershipHandoffProvider");
      assertNotNull(entry, path + " lacks its ServiceLoader registration");
      String text =
          new String(jar.getInputStream(entry).readAllBytes(), StandardCharsets.UTF_8).trim();
      assertEquals(text, NoopProvider.class.getName());
      assertNotNull(jar.getEntry(NoopProvider.class.getName().replace('.', '/') + ".class"));
    }
  }
}
